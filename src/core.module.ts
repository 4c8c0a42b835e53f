import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config.js';
import { ReadinessService } from './health/readiness.service.js';
import { ServingOverrides } from './serving/serving-overrides.js';
import { RateLimiterStore } from './common/rate-limiter-store.js';
import { ClusterEvents } from './cluster/cluster-events.js';
import { clusterProviders } from './cluster/cluster-providers.js';
import { RedisConnection } from './cluster/redis-connection.js';
import { SharedUsageCounter } from './tokens/shared-usage-counter.js';

/** Process-wide singletons every module may inject: the validated config, readiness, the rate-limit store, the shared usage counter, the announcement bus between replicas, and test overrides of serving ports. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, servingOverrides = new ServingOverrides()): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: AppConfig, useValue: config }, { provide: ServingOverrides, useValue: servingOverrides }, ReadinessService, ...clusterProviders(config)],
      exports: [AppConfig, ServingOverrides, ReadinessService, RateLimiterStore, ClusterEvents, RedisConnection, SharedUsageCounter],
    };
  }
}
