import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { ReadinessService } from './readiness.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly dataSource: DataSource,
  ) {}

  @Get('health')
  @ApiOkResponse({ description: 'The process is alive' })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Database up and start-up work done' })
  @ApiServiceUnavailableResponse({ description: 'Not ready yet (or shutting down)' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const database = await this.pingDatabase();
    const pending = this.readiness.pendingTasks();
    const ready = database && this.readiness.isStartupComplete();
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', checks: { database: database ? 'up' : 'down', startup: pending.length === 0 ? 'done' : pending, shuttingDown: this.readiness.isShuttingDown } };
  }

  private async pingDatabase(): Promise<boolean> {
    try {
      if (!this.dataSource.isInitialized) return false;
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
