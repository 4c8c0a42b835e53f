import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authenticated } from '../auth/auth.decorator.js';
import { openApiSchema } from '../common/validation.js';
import { engineResponseSchema } from '../system/system.schema.js';
import { EngineRegistry, engineView, type EngineView } from './engine-registry.js';

@ApiTags('system')
@Controller('api/v1/internal/system')
export class EnginesController {
  constructor(private readonly registry: EngineRegistry) {}

  @Get('engines')
  @Authenticated()
  @ApiOperation({ summary: 'Inference engines found at boot, with availability, backend and devices' })
  @ApiOkResponse({ description: 'Every engine with its availability and the reason when it is unavailable', schema: openApiSchema(z.object({ items: z.array(engineResponseSchema) })) })
  engines(): { items: EngineView[] } {
    return { items: this.registry.list().map(engineView) };
  }
}
