import { Global, Module } from '@nestjs/common';
import { DeploymentManager } from './deployment-manager.js';
import { EngineInstanceLoader, InstanceLoader } from './instance-loader.js';
import { ModelDeployer } from './model-deployer.js';

/** The serving runtime: deployed models, their queues and batchers. Global so the store reaches ModelDeployer. */
@Global()
@Module({
  providers: [
    DeploymentManager,
    { provide: InstanceLoader, useClass: EngineInstanceLoader },
    { provide: ModelDeployer, useExisting: DeploymentManager },
  ],
  exports: [ModelDeployer, DeploymentManager],
})
export class ServingModule {}
