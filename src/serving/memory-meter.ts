import { Injectable } from '@nestjs/common';
import type { LoadedModel } from '../../engines/sdk/index.js';
import type { DeploymentSpec } from './model-deployer.js';

/** A loaded instance and the resident memory it added. */
export interface MeasuredInstance {
  model: LoadedModel;
  bytes: number;
}

/** An instance that knows its own resident memory (one in a child process reports the child's RSS). */
export interface SelfMeasuringModel extends LoadedModel {
  residentBytes(): number;
}

function measuresItself(model: LoadedModel): model is SelfMeasuringModel {
  return typeof (model as Partial<SelfMeasuringModel>).residentBytes === 'function';
}

/**
 * Says what loading one instance costs in memory. A port: the real meter reads the process's
 * resident set, which is noisy, so tests that need exact numbers hand the budget a fake.
 */
export abstract class MemoryMeter {
  /** Runs `load` (load plus warm-up of one instance) and measures what it added. */
  abstract measure(spec: DeploymentSpec, load: () => Promise<LoadedModel>): Promise<MeasuredInstance>;
}

/**
 * Resident-set growth of this process across the load and warm-up (worker threads share the
 * process, so their heaps and the engine's arenas count), or the instance's own figure when it
 * runs elsewhere (a child process). Loads are serialised by the residency manager, so concurrent
 * loads do not blur each other; concurrent inference elsewhere still can, by a few MB.
 */
@Injectable()
export class ProcessMemoryMeter extends MemoryMeter {
  async measure(_spec: DeploymentSpec, load: () => Promise<LoadedModel>): Promise<MeasuredInstance> {
    const before = process.memoryUsage.rss();
    const model = await load();
    const bytes = measuresItself(model) ? model.residentBytes() : Math.max(0, process.memoryUsage.rss() - before);
    return { model, bytes };
  }
}
