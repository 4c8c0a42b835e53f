import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authenticated } from '../auth/auth.decorator.js';
import { openApiSchema, ZodValidationPipe } from '../common/validation.js';
import { replicasResponseSchema, systemInfoResponseSchema, systemSeriesResponseSchema } from './system.schema.js';
import { ReplicasService } from './replicas.service.js';
import type { ReplicaRecord } from '../cluster/replica-registry.js';
import { SystemInfo, SystemInfoService, SystemSeries } from './system-info.service.js';

const seriesQuerySchema = z.strictObject({
  since: z.coerce.number().int().min(0).max(8_640_000_000_000).optional(),
});
type SeriesQuery = z.infer<typeof seriesQuerySchema>;

@ApiTags('observability')
@Controller('api/v1/internal/system')
export class SystemController {
  constructor(
    private readonly service: SystemInfoService,
    private readonly replicas: ReplicasService,
  ) {}

  @Get('info')
  @Authenticated()
  @ApiOperation({ summary: 'Version, uptime, engines, model and token counts, and hardware' })
  @ApiOkResponse({ description: 'System overview', schema: openApiSchema(systemInfoResponseSchema) })
  info(): Promise<SystemInfo> {
    return this.service.info();
  }

  @Get('metrics')
  @Authenticated()
  @ApiOperation({ summary: 'CPU, memory and GPU samples from the last 24 hours (in memory)' })
  @ApiQuery({ name: 'since', required: false, description: 'Only samples taken after this time (epoch milliseconds)' })
  @ApiOkResponse({ description: 'CPU, memory and GPU samples over time', schema: openApiSchema(systemSeriesResponseSchema) })
  metrics(@Query(new ZodValidationPipe(seriesQuerySchema)) query: SeriesQuery): SystemSeries {
    return this.service.series(query.since);
  }

  @Get('replicas')
  @Authenticated()
  @ApiOperation({ summary: 'The replicas of this deployment with a fresh heartbeat, and the models each serves' })
  @ApiOkResponse({ description: 'Replicas, oldest first', schema: openApiSchema(replicasResponseSchema) })
  async list(): Promise<{ items: ReplicaRecord[] }> {
    return { items: await this.replicas.list() };
  }
}
