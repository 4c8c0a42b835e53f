import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config.js';
import { ReadinessService } from './health/readiness.service.js';
import { RateLimiterStore } from './common/rate-limiter-store.js';
import { ClusterEvents } from './cluster/cluster-events.js';
import { clusterProviders } from './cluster/cluster-providers.js';
import { RedisConnection } from './cluster/redis-connection.js';

/** Process-wide singletons every module may inject: the validated config, readiness, the rate-limit store and the announcement bus between replicas. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: AppConfig, useValue: config }, ReadinessService, ...clusterProviders(config)],
      exports: [AppConfig, ReadinessService, RateLimiterStore, ClusterEvents, RedisConnection],
    };
  }
}
