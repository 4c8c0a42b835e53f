import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/auth.decorator.js';
import { EngineRegistry, engineView, type EngineView } from './engine-registry.js';

@ApiTags('system')
@Controller('api/v1/internal/system')
export class EnginesController {
  constructor(private readonly registry: EngineRegistry) {}

  @Get('engines')
  @Authenticated()
  @ApiOperation({ summary: 'Inference engines found at boot, with availability, backend and devices' })
  @ApiOkResponse({ description: '{ items: [{ name, version, available, reason, backend, devices, formats }] }' })
  engines(): { items: EngineView[] } {
    return { items: this.registry.list().map(engineView) };
  }
}
