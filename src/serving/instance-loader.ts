import { Injectable } from '@nestjs/common';
import type { LoadedModel } from '../../engines/sdk/index.js';
import { EngineRegistry } from '../engines/engine-registry.js';
import { CrashMonitor } from './isolation/crash-monitor.js';
import { ProcessModel } from './isolation/process-model.js';
import type { DeploymentSpec } from './model-deployer.js';

/** Loads one instance of a model. A port so the deployment manager can be tested with fake engines. */
export abstract class InstanceLoader {
  abstract load(spec: DeploymentSpec, options: { maxBatchSize: number; instances: number }): Promise<LoadedModel>;
}

/**
 * Loads instances through the engine registry, with the registry's per-instance thread budget:
 * in this process (isolation "thread", the engine's own worker thread if it has one), or in a
 * child process of its own (isolation "process"), whose crashes the CrashMonitor counts.
 */
@Injectable()
export class EngineInstanceLoader extends InstanceLoader {
  constructor(
    private readonly registry: EngineRegistry,
    private readonly crashes: CrashMonitor,
  ) {
    super();
  }

  async load(spec: DeploymentSpec, options: { maxBatchSize: number; instances: number }): Promise<LoadedModel> {
    const engine = this.registry.require(spec.engine);
    const threads = this.registry.threadsPerInstance();
    const loadOptions = { maxBatchSize: options.maxBatchSize, intraOpThreads: threads.intraOp, interOpThreads: threads.interOp };
    if (spec.config.isolation !== 'process') return engine.load(spec.artifact, loadOptions);
    const source = this.registry.sourceOf(spec.engine);
    if (!source) throw new Error(`engine "${spec.engine}" cannot be loaded in a child process`);
    this.crashes.reset(spec.modelId);
    return ProcessModel.open({
      entry: source.entry,
      engineConfig: source.config,
      artifact: spec.artifact,
      loadOptions,
      maxMemoryBytes: (spec.config.maxMemoryMb ?? 0) * 1024 * 1024,
      onCrash: (reason) => this.crashes.crashed(spec.modelId, reason),
    });
  }
}
