import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config.js';
import { ReadinessService } from './health/readiness.service.js';

/** Process-wide singletons every module may inject: the validated config and readiness. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: AppConfig, useValue: config }, ReadinessService],
      exports: [AppConfig, ReadinessService],
    };
  }
}
