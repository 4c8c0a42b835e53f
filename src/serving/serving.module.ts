import { Global, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { InferenceModule } from '../inference/inference.module.js';
import { BatchProfileStore, FileBatchProfileStore } from './batch-profile-store.js';
import { DeploymentManager } from './deployment-manager.js';
import { InferencePipeline } from './inference-pipeline.js';
import { EngineInstanceLoader, InstanceLoader } from './instance-loader.js';
import { CrashMonitor } from './isolation/crash-monitor.js';
import { MemoryMeter, ProcessMemoryMeter } from './memory-meter.js';
import { ModelDeployer } from './model-deployer.js';
import { ResidencyManager, ResidencyOptions } from './residency-manager.js';
import { ResponseEncoder, ResponseEncoderOptions } from './response-encoder.js';
import { ServingOverrides } from './serving-overrides.js';
import { ServingRuntimeOptions, systemTimers } from './runtime-timers.js';
import { GcSettings } from './gc-settings.js';
import { ThreadPriorities, ThreadTable } from './thread-priorities.js';

/**
 * The serving runtime (deployed models, their queues and batchers) and the external inference
 * routes on top of it. Global so the model store reaches ModelDeployer.
 */
@Global()
@Module({
  imports: [InferenceModule],
  providers: [
    DeploymentManager,
    InferencePipeline,
    {
      provide: ResponseEncoder,
      useFactory: (config: AppConfig, overrides: ServingOverrides) => overrides.responseEncoder ?? new ResponseEncoder(new ResponseEncoderOptions(config.serving.encoderThreads)),
      inject: [AppConfig, ServingOverrides],
    },
    { provide: InstanceLoader, useClass: EngineInstanceLoader },
    { provide: ModelDeployer, useExisting: DeploymentManager },
    ResidencyManager,
    CrashMonitor,
    { provide: GcSettings, useFactory: (config: AppConfig) => new GcSettings(config), inject: [AppConfig] },
    { provide: ThreadPriorities, useFactory: (config: AppConfig) => new ThreadPriorities(config, new ThreadTable()), inject: [AppConfig] },
    { provide: MemoryMeter, useFactory: (overrides: ServingOverrides) => overrides.memoryMeter ?? new ProcessMemoryMeter(), inject: [ServingOverrides] },
    {
      provide: ResidencyOptions,
      useFactory: (config: AppConfig, overrides: ServingOverrides) => new ResidencyOptions(config.serving.memoryBudgetMb * 1024 * 1024, overrides.residencyTimers ?? systemTimers),
      inject: [AppConfig, ServingOverrides],
    },
    // Derived data of this host, beside the database: deleting the directory makes every deploy measure again.
    { provide: BatchProfileStore, useFactory: (config: AppConfig) => new FileBatchProfileStore(join(config.storage.dataDir, 'cache', 'batch-profiles')), inject: [AppConfig] },
    { provide: ServingRuntimeOptions, useFactory: (config: AppConfig) => new ServingRuntimeOptions(systemTimers, config.serving.engineGraceMs), inject: [AppConfig] },
  ],
  exports: [ModelDeployer, DeploymentManager, InferencePipeline, CrashMonitor],
})
export class ServingModule {}
