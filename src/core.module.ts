import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config.js';
import { ReadinessService } from './health/readiness.service.js';
import { MemoryRateLimiterStore, RateLimiterStore } from './common/rate-limiter-store.js';

/** Process-wide singletons every module may inject: the validated config, readiness and the rate-limit store. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: AppConfig, useValue: config }, ReadinessService, { provide: RateLimiterStore, useClass: MemoryRateLimiterStore }],
      exports: [AppConfig, ReadinessService, RateLimiterStore],
    };
  }
}
