import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Engine, LoadedModel } from '../../engines/sdk/index.js';
import type { DeploymentSpec } from './model-deployer.js';

/** Loads one instance of a model. A port so the deployment manager can be tested with fake engines. */
export abstract class InstanceLoader {
  abstract load(spec: DeploymentSpec, options: { maxBatchSize: number; instances: number }): Promise<LoadedModel>;
}

interface EngineRegistryLike {
  require(name: string): Engine;
  threadsPerInstance?(instances?: number): number;
}

/** Loads instances through the engine registry (resolved lazily, so serving boots before engines). */
@Injectable()
export class EngineInstanceLoader extends InstanceLoader {
  private registry?: EngineRegistryLike;

  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  async load(spec: DeploymentSpec, options: { maxBatchSize: number; instances: number }): Promise<LoadedModel> {
    const registry = await this.resolveRegistry();
    const engine = registry.require(spec.engine);
    const intraOpThreads = registry.threadsPerInstance?.(options.instances);
    return engine.load(spec.artifact, { maxBatchSize: options.maxBatchSize, ...(intraOpThreads ? { intraOpThreads } : {}) });
  }

  private async resolveRegistry(): Promise<EngineRegistryLike> {
    if (this.registry) return this.registry;
    const specifier = '../engines/engine-registry.js';
    const module = (await import(specifier)) as { EngineRegistry: abstract new (...args: never[]) => EngineRegistryLike };
    this.registry = this.moduleRef.get(module.EngineRegistry, { strict: false });
    return this.registry;
  }
}
