import { Global, Module } from '@nestjs/common';
import { SystemModule } from '../system/system.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { ModelLookupRepository } from './model-lookup.repository.js';
import { ModelStatsController } from './model-stats.controller.js';
import { ModelStatsService } from './model-stats.service.js';

/** Prometheus metrics, per-model statistics and (through SystemModule) host information. */
@Global()
@Module({
  imports: [SystemModule],
  controllers: [MetricsController, ModelStatsController],
  providers: [MetricsService, ModelStatsService, ModelLookupRepository],
  exports: [MetricsService],
})
export class MetricsModule {}
