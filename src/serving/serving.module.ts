import { Global, Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module.js';
import { DeploymentManager } from './deployment-manager.js';
import { InferencePipeline } from './inference-pipeline.js';
import { EngineInstanceLoader, InstanceLoader } from './instance-loader.js';
import { ModelDeployer } from './model-deployer.js';

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
  ],
  exports: [ModelDeployer, DeploymentManager, InferencePipeline],
})
export class ServingModule {}
