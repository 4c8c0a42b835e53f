import { Injectable } from '@nestjs/common';
import { availableParallelism, cpus } from 'node:os';
import type { LoadedModel } from '../../engines/sdk/index.js';
import { EngineRegistry } from '../engines/engine-registry.js';
import { CrashMonitor } from './isolation/crash-monitor.js';
import { ProcessModel } from './isolation/process-model.js';
import type { DeploymentSpec } from './model-deployer.js';

/** How and where an instance of a spec runs: what its latency depends on besides the artifact (part of the batch profile's cache key). */
export interface ExecutionContext {
  engine: string;
  engineVersion: string;
  /** The backend the engine reported (cpu, cuda, wasm…): the same engine on another backend is another profile. */
  backend: string;
  /** thread or process: a child process adds a copy per call. */
  isolation: string;
  cpuModel: string;
  cores: number;
  intraOpThreads: number;
  interOpThreads: number;
}

function hostOf(): { cpuModel: string; cores: number } {
  return { cpuModel: cpus()[0]?.model?.trim() || 'unknown', cores: availableParallelism() };
}

/** Loads one instance of a model. A port so the deployment manager can be tested with fake engines. */
export abstract class InstanceLoader {
  abstract load(spec: DeploymentSpec, options: { maxBatchSize: number; instances: number }): Promise<LoadedModel>;

  /** What the instances of `spec` run on; a fake loader keeps this default (unknown engine version, no threads). */
  executionContext(spec: DeploymentSpec): ExecutionContext {
    return { engine: spec.engine, engineVersion: 'unknown', backend: 'unknown', isolation: spec.config.isolation ?? 'thread', ...hostOf(), intraOpThreads: 0, interOpThreads: 0 };
  }
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

  override executionContext(spec: DeploymentSpec): ExecutionContext {
    const status = this.registry.list().find((engine) => engine.name === spec.engine);
    const threads = this.registry.threadsPerInstance();
    return {
      ...super.executionContext(spec),
      engineVersion: status?.version ?? 'unknown',
      backend: status?.backend ?? 'unknown',
      intraOpThreads: threads.intraOp,
      interOpThreads: threads.interOp,
    };
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
