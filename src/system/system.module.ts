import { Module } from '@nestjs/common';
import { EngineVersionSource } from './engine-version.source.js';
import { HostProbe } from './host-probe.js';
import { SystemController } from './system.controller.js';
import { SystemCountsRepository } from './system-counts.repository.js';
import { SystemInfoService } from './system-info.service.js';
import { SystemSampler } from './system-sampler.service.js';

@Module({
  controllers: [SystemController],
  providers: [HostProbe, SystemSampler, SystemCountsRepository, SystemInfoService, EngineVersionSource],
  exports: [SystemSampler, HostProbe],
})
export class SystemModule {}
