import { Injectable, Logger } from '@nestjs/common';
import AsyncLock from 'async-lock';
import type { LoadedModel } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { ResidencyState } from '../models/model-view.js';
import type { ActiveDeployment } from './deployment-manager.js';
import { MemoryBudget, type EvictionCandidate } from './memory-budget.js';
import type { ModelRuntime } from './model-runtime.js';
import { EvictionReason, ResidencyMetrics } from './residency-metrics.js';
import { RuntimeTimers, systemTimers } from './runtime-timers.js';

/** Instances loaded and warmed for one deployment, with what each was measured to cost. */
export interface LoadedInstances {
  models: LoadedModel[];
  bytes: number[];
}

/** The server's memory budget and the clock idle unloads are measured on. */
export class ResidencyOptions {
  constructor(
    /** MODEL_MEMORY_BUDGET_MB in bytes; 0 = unlimited. */
    readonly budgetBytes = 0,
    readonly timers: RuntimeTimers = systemTimers,
  ) {}
}

interface Resident {
  modelId: string;
  runtime: ModelRuntime<ActiveDeployment>;
  load(deployment: ActiveDeployment): Promise<LoadedInstances>;
  /** Loaded instances went up or down by `delta` (for the loaded-instances gauge). */
  changed(delta: number): void;
  /** The on-demand load in progress: every request that arrives meanwhile waits for this one. */
  loading?: Promise<void>;
  lastUsedAt: number | null;
  lastColdStartMs: number | null;
  lastColdStartAt: number | null;
  idleTimer?: unknown;
}

const MB = 1024 * 1024;

export function memoryBudgetExceeded(neededBytes: number, freeBytes: number, budgetBytes: number): ApiError {
  return ApiError.conflict(
    'MEMORY_BUDGET_EXCEEDED',
    `The model needs ${(neededBytes / MB).toFixed(1)} MB but only ${(Math.max(0, freeBytes) / MB).toFixed(1)} MB of the ${(budgetBytes / MB).toFixed(0)} MB memory budget is free, and no idle on-demand model can be unloaded to make room`,
    { neededBytes, freeBytes: Math.max(0, freeBytes), budgetBytes },
  );
}

export function capacityExhausted(neededBytes: number, freeBytes: number): ApiError {
  return new ApiError(
    503,
    'CAPACITY_EXHAUSTED',
    'The model is not loaded and the memory budget has no room for it: every loaded model is pinned or busy; retry later',
    { neededBytes, freeBytes: Math.max(0, freeBytes) },
    { 'Retry-After': '1' },
  );
}

function loadFailed(error: unknown): ApiError {
  return new ApiError(503, 'MODEL_LOAD_FAILED', 'The model could not be loaded for this request', { reason: (error instanceof Error ? error.message : String(error)).slice(0, 500) }, { 'Retry-After': '1' });
}

/**
 * Which deployed models have instances loaded, within the server's memory budget. Pinned models
 * load at deploy and are refused when they do not fit; on-demand models load on their first
 * request (one load shared by every request that arrives meanwhile) and are unloaded when idle
 * for their idleUnloadSeconds, by hand, or least recently used first when another model needs the
 * room. A model with queued, reserved or running requests is never unloaded. Loads are serialised
 * so the budget check and the measurement of one load are not disturbed by another.
 */
@Injectable()
export class ResidencyManager {
  private readonly logger = new Logger('Residency');
  private readonly residents = new Map<string, Resident>();
  private readonly budget: MemoryBudget;
  private readonly lock = new AsyncLock({ maxPending: Number.MAX_SAFE_INTEGER });
  private readonly metrics: ResidencyMetrics;
  /** Last measured cost of each model, the estimate for its next load. */
  private readonly expected = new Map<string, number>();
  private readonly timers: RuntimeTimers;

  constructor(metrics: MetricsService, options: ResidencyOptions = new ResidencyOptions()) {
    this.budget = new MemoryBudget(options.budgetBytes);
    this.timers = options.timers;
    this.metrics = new ResidencyMetrics(metrics.registry, options.budgetBytes, () => this.budget.usedBytes);
  }

  get usedBytes(): number {
    return this.budget.usedBytes;
  }

  /** Starts tracking a deployed model; `load` loads and warms the instances of a deployment. */
  register(modelId: string, runtime: ModelRuntime<ActiveDeployment>, load: (deployment: ActiveDeployment) => Promise<LoadedInstances>, changed: (delta: number) => void = () => undefined): void {
    this.residents.set(modelId, { modelId, runtime, load, changed, lastUsedAt: null, lastColdStartMs: null, lastColdStartAt: null });
  }

  /**
   * The model was undeployed (its instances are disposed by the drain, which refunds them). An
   * on-demand load still in flight is awaited: it finds the runtime gone and disposes what it
   * loaded, so no instance outlives the undeploy.
   */
  async forget(modelId: string): Promise<void> {
    const resident = this.residents.get(modelId);
    if (resident?.idleTimer !== undefined) this.timers.clearTimeout(resident.idleTimer);
    this.residents.delete(modelId);
    this.metrics.forget(modelId);
    await resident?.loading;
  }

  /**
   * Loads the instances of a pinned deployment (or the new side of a swap) within the budget,
   * unloading idle on-demand models if that makes room; 409 MEMORY_BUDGET_EXCEEDED when it cannot.
   */
  loadPinned<T extends LoadedInstances>(modelId: string, load: () => Promise<T>): Promise<T> {
    return this.lock.acquire('memory', async () => {
      const estimate = this.expected.get(modelId) ?? 0;
      if (!(await this.makeRoom(estimate, modelId))) throw memoryBudgetExceeded(estimate, this.budget.freeBytes, this.budget.limitBytes);
      const loaded = await load();
      const total = sum(loaded.bytes);
      const charged = this.charge(modelId, loaded);
      if (!(await this.makeRoom(0, modelId))) {
        await disposeAll(charged);
        throw memoryBudgetExceeded(total, this.budget.freeBytes, this.budget.limitBytes);
      }
      this.metrics.loaded(modelId, 'deploy', this.budget.bytesOf(modelId));
      return { ...loaded, models: charged };
    });
  }

  /** Called for every queued item: records the use, and starts the load of an unloaded on-demand model. */
  itemQueued(modelId: string, version: number, instances: number): void {
    const resident = this.residents.get(modelId);
    if (!resident) return;
    this.touch(resident);
    if (instances > 0 || resident.loading) return;
    resident.loading = this.coldStart(resident, version).finally(() => {
      resident.loading = undefined;
    });
  }

  /** A batch finished: the model was in use until now. */
  used(modelId: string): void {
    const resident = this.residents.get(modelId);
    if (resident) this.touch(resident);
  }

  /**
   * Unloads an on-demand model by hand. 409 MODEL_PINNED for a pinned one, 409 MODEL_BUSY while it
   * has queued or running requests; false when it was not loaded.
   */
  async unload(modelId: string): Promise<boolean> {
    const resident = this.residents.get(modelId);
    if (!resident?.runtime.current) throw ApiError.conflict('MODEL_NOT_DEPLOYED', 'The model is not deployed');
    if (resident.runtime.current.config.residency.mode === 'pinned') {
      throw ApiError.conflict('MODEL_PINNED', 'The model is pinned (residency.mode "pinned"): undeploy it, or make it on-demand, to free its memory');
    }
    if (resident.runtime.loadedInstances() === 0 && !resident.loading) return false;
    const unloaded = await this.evict(resident, 'manual');
    if (!unloaded) throw ApiError.conflict('MODEL_BUSY', 'The model has queued or running requests (or is loading); retry when it is idle');
    return true;
  }

  stateOf(modelId: string): ResidencyState | undefined {
    const resident = this.residents.get(modelId);
    if (!resident) return undefined;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      loaded: resident.runtime.loadedInstances() > 0,
      memoryBytes: this.budget.bytesOf(modelId),
      lastUsedAt: iso(resident.lastUsedAt),
      lastColdStartMs: resident.lastColdStartMs,
      lastColdStartAt: iso(resident.lastColdStartAt),
      batchProfile: resident.runtime.current?.batchProfile ?? null,
    };
  }

  private async coldStart(resident: Resident, version: number): Promise<void> {
    const started = this.timers.now();
    try {
      await this.lock.acquire('memory', async () => {
        const deployment = resident.runtime.current;
        if (!deployment || deployment.spec.version !== version) throw new Error('the version this request was admitted for is no longer served');
        if (resident.runtime.loadedInstances(version) > 0) return;
        const estimate = this.expected.get(resident.modelId) ?? 0;
        if (!(await this.makeRoom(estimate, resident.modelId))) throw capacityExhausted(estimate, this.budget.freeBytes);
        const loaded = await resident.load(deployment);
        const total = sum(loaded.bytes);
        const charged = this.charge(resident.modelId, loaded);
        if (!(await this.makeRoom(0, resident.modelId))) {
          await disposeAll(charged);
          throw capacityExhausted(total, this.budget.freeBytes);
        }
        if (!resident.runtime.attachInstances(version, charged)) {
          await disposeAll(charged);
          return;
        }
        resident.changed(charged.length);
        const ms = this.timers.now() - started;
        resident.lastColdStartMs = ms;
        resident.lastColdStartAt = this.timers.now();
        this.metrics.loaded(resident.modelId, 'demand', this.budget.bytesOf(resident.modelId));
        this.metrics.coldStart(resident.modelId, ms);
        this.logger.log({ msg: 'On-demand model loaded', modelId: resident.modelId, version, bytes: total, coldStartMs: ms });
      });
    } catch (error) {
      const answer = error instanceof ApiError ? error : loadFailed(error);
      if (!(error instanceof ApiError)) this.logger.warn({ msg: 'On-demand load failed', modelId: resident.modelId, version, reason: String((error as Error)?.message ?? error) });
      resident.runtime.failWaiting(version, answer);
    }
  }

  private charge(modelId: string, loaded: LoadedInstances): LoadedModel[] {
    this.expected.set(modelId, sum(loaded.bytes));
    return loaded.models.map((model, index) => this.budget.charge(modelId, model, loaded.bytes[index] ?? 0));
  }

  /**
   * Unloads idle on-demand models (least recently used first) until `neededBytes` more fit, and
   * says whether they do. Unloads nothing when even every candidate would not be enough.
   */
  private async makeRoom(neededBytes: number, forModelId: string): Promise<boolean> {
    if (this.budget.unlimited) return true;
    const candidates: EvictionCandidate[] = [];
    for (const resident of this.residents.values()) {
      if (resident.modelId === forModelId || resident.loading || !this.evictable(resident)) continue;
      candidates.push({ modelId: resident.modelId, bytes: this.budget.bytesOf(resident.modelId), lastUsedAt: resident.lastUsedAt });
    }
    const plan = this.budget.planEviction(neededBytes, candidates);
    if (!plan) return false;
    for (const modelId of plan) {
      const resident = this.residents.get(modelId);
      if (resident) await this.evict(resident, 'lru');
    }
    return neededBytes <= this.budget.freeBytes;
  }

  private evictable(resident: Resident): boolean {
    return resident.runtime.current?.config.residency.mode === 'on-demand' && resident.runtime.loadedInstances() > 0 && resident.runtime.idle;
  }

  /** Takes the instances back from an idle runtime and disposes them; false when it was busy. */
  private async evict(resident: Resident, reason: EvictionReason): Promise<boolean> {
    if (resident.loading) return false;
    const models = resident.runtime.detachIdleInstances();
    if (!models) return false;
    resident.changed(-models.length);
    this.metrics.evicted(resident.modelId, reason);
    this.logger.log({ msg: 'On-demand model unloaded', modelId: resident.modelId, reason });
    await disposeAll(models);
    return true;
  }

  private touch(resident: Resident): void {
    resident.lastUsedAt = this.timers.now();
    this.scheduleIdleCheck(resident, this.idleMs(resident));
  }

  private idleMs(resident: Resident): number {
    const residency = resident.runtime.current?.config.residency;
    return residency?.mode === 'on-demand' ? residency.idleUnloadSeconds * 1000 : 0;
  }

  private scheduleIdleCheck(resident: Resident, delayMs: number): void {
    if (delayMs <= 0 || resident.idleTimer !== undefined) return;
    resident.idleTimer = this.timers.setTimeout(() => {
      resident.idleTimer = undefined;
      void this.idleCheck(resident);
    }, delayMs);
  }

  private async idleCheck(resident: Resident): Promise<void> {
    if (this.residents.get(resident.modelId) !== resident) return;
    const idleMs = this.idleMs(resident);
    if (idleMs <= 0 || resident.runtime.loadedInstances() === 0) return;
    const quietFor = this.timers.now() - (resident.lastUsedAt ?? 0);
    if (quietFor < idleMs) return this.scheduleIdleCheck(resident, idleMs - quietFor);
    if (!(await this.evict(resident, 'idle'))) this.scheduleIdleCheck(resident, idleMs);
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

async function disposeAll(models: LoadedModel[]): Promise<void> {
  await Promise.all(models.map((model) => model.dispose().catch(() => undefined)));
}
