import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { checkMetricsAccess } from './metrics-access.js';
import { MetricsService } from './metrics.service.js';

/** Prometheus scrape endpoint. Outside /api, so it carries its own bearer-token check. */
@ApiTags('observability')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN>; open without a token only on a loopback host)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN_INVALID' })
  @ApiForbiddenResponse({ description: 'METRICS_DISABLED (no METRICS_TOKEN on a non-loopback host)' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    checkMetricsAccess({ token: this.config.metrics.token, host: this.config.server.host }, authorization);
    const { contentType, body } = await this.metrics.exposition();
    await reply.header('Content-Type', contentType).header('Cache-Control', 'no-store').send(body);
  }
}
