import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseReplicaRegistry } from '../cluster/database-replica-registry.js';
import { RedisConnection } from '../cluster/redis-connection.js';
import { RedisReplicaRegistry } from '../cluster/redis-replica-registry.js';
import { LocalReplicaRegistry, ReplicaRegistry } from '../cluster/replica-registry.js';
import { AppConfig } from '../config/app-config.js';
import { ReplicasService } from './replicas.service.js';
import { EngineVersionSource } from './engine-version.source.js';
import { HostProbe } from './host-probe.js';
import { SystemController } from './system.controller.js';
import { SystemCountsRepository } from './system-counts.repository.js';
import { SystemInfoService } from './system-info.service.js';
import { SystemSampler } from './system-sampler.service.js';

@Module({
  controllers: [SystemController],
  providers: [
    HostProbe,
    SystemSampler,
    SystemCountsRepository,
    SystemInfoService,
    EngineVersionSource,
    {
      // Heartbeats go where the replicas meet: Redis, else the shared PostgreSQL database, else nowhere but here.
      provide: ReplicaRegistry,
      useFactory: (redis: RedisConnection | null, dataSource: DataSource, config: AppConfig) =>
        redis ? new RedisReplicaRegistry(redis) : config.database.url ? new DatabaseReplicaRegistry(dataSource) : new LocalReplicaRegistry(),
      inject: [RedisConnection, DataSource, AppConfig],
    },
    ReplicasService,
  ],
  exports: [SystemSampler, HostProbe],
})
export class SystemModule {}
