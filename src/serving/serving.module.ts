import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { InferenceModule } from '../inference/inference.module.js';
import { DeploymentManager } from './deployment-manager.js';
import { InferencePipeline } from './inference-pipeline.js';
import { EngineInstanceLoader, InstanceLoader } from './instance-loader.js';
import { ModelDeployer } from './model-deployer.js';
import { ServingRuntimeOptions, systemTimers } from './runtime-timers.js';

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
    { provide: InstanceLoader, useClass: EngineInstanceLoader },
    { provide: ModelDeployer, useExisting: DeploymentManager },
    { provide: ServingRuntimeOptions, useFactory: (config: AppConfig) => new ServingRuntimeOptions(systemTimers, config.serving.engineGraceMs), inject: [AppConfig] },
  ],
  exports: [ModelDeployer, DeploymentManager, InferencePipeline],
})
export class ServingModule {}
