import { Injectable } from '@nestjs/common';
import type { LoadedModel } from '../../engines/sdk/index.js';
import { EngineRegistry } from '../engines/engine-registry.js';
import type { DeploymentSpec } from './model-deployer.js';

/** Loads one instance of a model. A port so the deployment manager can be tested with fake engines. */
export abstract class InstanceLoader {
  abstract load(spec: DeploymentSpec, options: { maxBatchSize: number; instances: number }): Promise<LoadedModel>;
}

/** Loads instances through the engine registry, with the registry's per-instance thread budget. */
@Injectable()
export class EngineInstanceLoader extends InstanceLoader {
  constructor(private readonly registry: EngineRegistry) {
    super();
  }

  async load(spec: DeploymentSpec, options: { maxBatchSize: number; instances: number }): Promise<LoadedModel> {
    const engine = this.registry.require(spec.engine);
    const threads = this.registry.threadsPerInstance();
    return engine.load(spec.artifact, { maxBatchSize: options.maxBatchSize, intraOpThreads: threads.intraOp, interOpThreads: threads.interOp });
  }
}
