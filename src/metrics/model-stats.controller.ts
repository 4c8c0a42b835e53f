import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/auth.decorator.js';
import { openApiSchema } from '../common/validation.js';
import { modelStatsResponseSchema } from './model-stats.schema.js';
import type { ModelStats } from './model-stats.js';
import { ModelStatsService } from './model-stats.service.js';

@ApiTags('observability')
@Controller('api/v1/internal/models')
export class ModelStatsController {
  constructor(private readonly service: ModelStatsService) {}

  @Get(':id/stats')
  @Authenticated()
  @ApiOperation({ summary: 'Per-model request counts, error codes, latency percentiles, batch sizes and queue depth since start-up' })
  @ApiOkResponse({ description: 'Statistics (zeros for a model without traffic)', schema: openApiSchema(modelStatsResponseSchema) })
  @ApiNotFoundResponse({ description: 'MODEL_NOT_FOUND' })
  stats(@Param('id') id: string): Promise<ModelStats> {
    return this.service.statsFor(id);
  }
}
