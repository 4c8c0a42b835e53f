import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from './config/app-config.js';
import { CoreModule } from './core.module.js';
import { databaseOptions } from './database/data-source-options.js';
import { DatabaseModule } from './database/database.module.js';
import { openDataSource } from './database/open-data-source.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { HealthController } from './health/health.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { UsersModule } from './users/users.module.js';
import { AuditModule } from './audit/audit.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { ExternalModule } from './external/external.module.js';
import { ServingModule } from './serving/serving.module.js';
import { EnginesModule } from './engines/engines.module.js';
import { ModelsModule } from './models/models.module.js';
import { OipModule } from './oip/oip.module.js';
import { GrpcModule } from './grpc/grpc.module.js';
import type { ServingOverrides } from './serving/serving-overrides.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, servingOverrides?: ServingOverrides): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, servingOverrides),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...databaseOptions({ dataDir: config.storage.dataDir, ...config.database }), autoLoadEntities: true }),
          dataSourceFactory: async (options) => openDataSource(options!),
        }),
        DatabaseModule,
        MetricsModule,
        AuthModule,
        UsersModule,
        AuditModule,
        TokensModule,
        CatalogModule,
        ExternalModule,
        ServingModule,
        EnginesModule,
        ModelsModule,
        OipModule,
        GrpcModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
