import type { LoadedModel, NamedTensors } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { Admission, AdmissionLedger, notDeployed, PlaceLedger, queueFull } from './admission.js';
import type { BatchProfile } from './batch-profile.js';
import { BatchingPolicy, rowsToDispatch } from './batch-policy.js';
import { executeWithWatchdog } from './engine-watchdog.js';
import { InstancePool, InstanceSlot } from './instance-pool.js';
import { ENGINE_CRASHED_BEFORE_START } from './isolation/crash-codes.js';
import { QueueEntry, RequestQueue } from './request-queue.js';
import { RuntimeTimers, systemTimers } from './runtime-timers.js';

export type { BatchingPolicy } from './batch-policy.js';
export { Admission } from './admission.js';

export interface RuntimeLimits {
  batching: BatchingPolicy;
  queueMaxSize: number;
}

export interface SubmitOptions<D = unknown> {
  priority: number;
  /** Absolute time (ms, the runtime's clock) after which the item must not be executed. */
  deadline: number;
  /** Batch rows this item carries (the first dimension of its tensors). */
  rows: number;
  /** Aborted when the client goes away: a still-queued item is dropped. */
  signal?: AbortSignal;
  /** A place reserved by `admit`; the item then runs on the version that admission was granted for. */
  admission?: Admission<D>;
}

export interface ItemResult {
  outputs: NamedTensors;
  version: number;
  queueMs: number;
  inferenceMs: number;
  /** Rows in the engine call that carried this item. */
  batchRows: number;
}

/** Lets the runtime report to metrics without knowing about them. */
export interface RuntimeObserver {
  batchExecuted(rows: number, requests: number): void;
  queueDepthChanged(depth: number): void;
  /** An item was queued for `version`, which has `instances` loaded (0: an on-demand model waiting for its load). */
  itemQueued?(version: number, instances: number): void;
  /** A batch returned from the engine (the model was in use until now). */
  batchFinished?(): void;
}

export interface RuntimeOptions {
  observer?: RuntimeObserver;
  timers?: RuntimeTimers;
  /** How long past the latest deadline of a batch an engine call may run before it counts as hung. */
  engineGraceMs?: number;
}

export interface RuntimeStats {
  version: number;
  queueDepth: number;
  inFlightBatches: number;
  instances: number;
  batches: number;
  executedItems: number;
  expiredItems: number;
  /** Dropped from the queue because the client went away. */
  cancelledItems: number;
  rejectedItems: number;
  /** Places held right now for admitted items still being preprocessed (they count against queue.maxSize). */
  reservedItems: number;
  /** Places ever granted by `admit`/`growTo`: every preprocessed item had one. */
  admittedItems: number;
  /** Engine calls that did not answer in time; their instances were restarted. */
  hungCalls: number;
  /** Items re-run on another instance because theirs died before running them. */
  retriedItems: number;
  /** Versions with live instances: more than one only while a swap drains the old version. */
  liveVersions: number[];
  /** How many engine calls carried N rows, keyed by N. */
  batchRowHistogram: Record<number, number>;
  /** Latency per batch size measured at deploy (added by the deployment manager). */
  batchProfile?: BatchProfile;
}

/** One deployed version: its instances, what it was deployed as, and the work admitted for it. */
interface ServedVersion<D> {
  version: number;
  deployment: D;
  pool: InstancePool;
  maxRows: number;
  /** Queued items of this version, in arrival order. */
  queued: Set<PendingItem<D>>;
  queuedRows: number;
  /** Places held by admissions granted for this version and not yet used. */
  holds: number;
  ledger: PlaceLedger;
  retired: boolean;
  /** Settles once a retired version's instances are all disposed. */
  gone?: Promise<void>;
  markGone?: () => void;
}

interface PendingItem<D> extends QueueEntry {
  served: ServedVersion<D>;
  inputs: NamedTensors;
  enqueuedAt: number;
  deadline: number;
  deadlineTimer?: unknown;
  signal?: AbortSignal;
  detachAbort?: () => void;
  /** Set once the item went back to the queue after its instance died before running it. */
  retriedAwayFrom?: InstanceSlot;
  settled: boolean;
  resolve(result: ItemResult): void;
  reject(error: ApiError): void;
}

export function inferenceTimeout(): ApiError {
  return new ApiError(504, 'INFERENCE_TIMEOUT', 'The request waited longer than its deadline and was not executed');
}

const DEFAULT_ENGINE_GRACE_MS = 5_000;

/**
 * Serving runtime of one deployed model: one bounded priority queue shared by every version
 * being served, a dynamic batcher, and per version a pool of loaded instances that each run one
 * batch at a time. Deployments are immutable per version: an item carries the version it was
 * admitted for and runs only on that version's instances, so a hot swap (`serve`) routes new
 * admissions to the new version while the old one finishes its own items and is then disposed.
 */
export class ModelRuntime<D = undefined> {
  private readonly queue: RequestQueue<PendingItem<D>>;
  private readonly ledger: AdmissionLedger;
  private readonly versions: ServedVersion<D>[] = [];
  private currentVersion: ServedVersion<D> | undefined;
  private batching: BatchingPolicy;
  private flushTimer?: unknown;
  private flushAt = 0;
  private draining = false;
  private drainWaiters: Array<() => void> = [];
  private readonly stats = { batches: 0, executedItems: 0, expiredItems: 0, cancelledItems: 0, hungCalls: 0, retriedItems: 0, histogram: {} as Record<number, number> };
  private readonly observer: RuntimeObserver;
  private readonly timers: RuntimeTimers;
  private readonly engineGraceMs: number;

  constructor(
    readonly modelId: string,
    limits: RuntimeLimits,
    options: RuntimeOptions = {},
  ) {
    this.queue = new RequestQueue<PendingItem<D>>(limits.queueMaxSize);
    this.batching = limits.batching;
    this.observer = options.observer ?? { batchExecuted() {}, queueDepthChanged() {} };
    this.timers = options.timers ?? systemTimers;
    this.engineGraceMs = options.engineGraceMs ?? DEFAULT_ENGINE_GRACE_MS;
    this.ledger = new AdmissionLedger({ queued: () => this.queue.size, capacity: () => this.queue.maxSize, closed: () => this.draining || !this.currentVersion });
  }

  /** The version new requests are admitted for (-1 before the first `serve`). */
  get version(): number {
    return this.currentVersion?.version ?? -1;
  }

  /** What the current version was deployed as. */
  get current(): D | undefined {
    return this.currentVersion?.deployment;
  }

  /** Largest number of rows one engine call of the current version may carry. */
  get maxRows(): number {
    return this.currentVersion?.maxRows ?? 1;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The clock deadlines are measured on. */
  now(): number {
    return this.timers.now();
  }

  /**
   * Holds `count` places in the queue for items about to be read and preprocessed, for the version
   * serving now, or refuses at once: 409 MODEL_NOT_DEPLOYED while draining, 503 QUEUE_FULL (with
   * Retry-After) when queued plus reserved items leave no room.
   */
  admit(count = 1): Admission<D> {
    const served = this.currentVersion;
    if (!served || this.draining) throw notDeployed();
    return new Admission<D>(served.ledger, served.deployment, count);
  }

  /** Queues one item; resolves with its own outputs or rejects with its own ApiError. */
  submit(inputs: NamedTensors, options: SubmitOptions<D>): Promise<ItemResult> {
    const admitted = options.admission ? this.versions.find((served) => options.admission!.drawsOn(served.ledger)) : undefined;
    const served = admitted ?? this.currentVersion;
    if (!served || (this.draining && !admitted)) return Promise.reject(notDeployed());
    if (options.rows > served.maxRows) {
      return Promise.reject(ApiError.badRequest('INVALID_INPUT', `The request carries ${options.rows} rows; this deployment runs at most ${served.maxRows} per call`));
    }
    if (options.signal?.aborted) return Promise.reject(cancelled());
    const placeHeld = admitted !== undefined && options.admission!.held > 0;
    // With a held place the room was checked at admission; only a reconfigure that shrank the
    // queue since then can leave it full.
    if (placeHeld ? this.queue.isFull() : !this.ledger.hasRoom(1)) {
      this.ledger.rejected++;
      this.checkIdle(served);
      return Promise.reject(queueFull());
    }
    return new Promise<ItemResult>((resolve, reject) => {
      const item: PendingItem<D> = {
        served,
        priority: options.priority,
        sequence: 0,
        inputs,
        rows: options.rows,
        enqueuedAt: this.timers.now(),
        deadline: options.deadline,
        signal: options.signal,
        settled: false,
        resolve,
        reject,
      };
      this.queue.offer(item);
      served.queued.add(item);
      served.queuedRows += item.rows;
      // Only now, with the item queued, may the place go back: a retired version must never look idle in between.
      if (placeHeld) options.admission!.usePlace();
      this.watchQueued(item);
      this.observer.queueDepthChanged(this.queue.size);
      this.observer.itemQueued?.(served.version, served.pool.size);
      this.pump();
    });
  }

  /** Arms the deadline and the client's abort for an item waiting in the queue. */
  private watchQueued(item: PendingItem<D>): void {
    item.deadlineTimer = this.timers.setTimeout(() => this.dropQueued(item, 'expired'), Math.max(0, item.deadline - this.timers.now()));
    const signal = item.signal;
    if (signal) {
      const onAbort = () => this.dropQueued(item, 'cancelled');
      signal.addEventListener('abort', onAbort, { once: true });
      item.detachAbort = () => signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Puts an item whose instance died before its engine call began back in the queue, once, to run
   * on another instance of its version; false when it was retried already, the version has no
   * other instance, or it can no longer run (answered, expired, client gone).
   */
  private retryElsewhere(item: PendingItem<D>, slot: InstanceSlot): boolean {
    const served = item.served;
    if (item.settled || item.retriedAwayFrom || served.pool.size < 2 || item.signal?.aborted) return false;
    if (this.timers.now() >= item.deadline) return false;
    item.retriedAwayFrom = slot;
    this.queue.requeue(item);
    served.queued.add(item);
    served.queuedRows += item.rows;
    this.watchQueued(item);
    this.stats.retriedItems++;
    return true;
  }

  /** Instances loaded for `version` (default: the current one). */
  loadedInstances(version = this.version): number {
    // A reload under the same version number leaves the old one retiring beside the current one.
    const served = this.currentVersion?.version === version ? this.currentVersion : this.versions.find((candidate) => candidate.version === version);
    return served?.pool.size ?? 0;
  }

  /** Nothing queued, reserved or running, on any version. */
  get idle(): boolean {
    return this.allIdle();
  }

  /**
   * Gives a version that was served without instances (on-demand) its loaded instances and
   * dispatches what waited for them. False when that version is gone or being disposed: the
   * caller then disposes `models` itself.
   */
  attachInstances(version: number, models: LoadedModel[]): boolean {
    const served = this.versions.find((candidate) => candidate.version === version && !candidate.retired);
    if (!served || this.draining || !served.pool.add(models)) return false;
    served.maxRows = this.maxRowsFor(served.pool);
    this.pump();
    return true;
  }

  /**
   * Takes every instance of the current version back when the runtime is idle (nothing queued,
   * reserved or running), so an on-demand model can be unloaded; undefined when it is not idle.
   * Synchronous with the idle check, so no item can slip in between. The caller disposes them.
   */
  detachIdleInstances(): LoadedModel[] | undefined {
    const served = this.currentVersion;
    if (!served || this.draining || !this.allIdle()) return undefined;
    const models = served.pool.takeAllIdle();
    if (models) served.maxRows = this.maxRowsFor(served.pool);
    return models;
  }

  /** Answers every queued item of `version` with `error` (its on-demand load failed). */
  failWaiting(version: number, error: ApiError): void {
    for (const item of [...this.queue.inOrder()]) {
      if (item.served.version !== version) continue;
      this.removeQueued(item);
      this.settle(item, error);
    }
    this.observer.queueDepthChanged(this.queue.size);
    for (const served of [...this.versions]) this.checkIdle(served);
  }

  /** Applies new batching/queue limits; takes effect for the next dispatch decision. */
  updateLimits(limits: RuntimeLimits): void {
    this.batching = limits.batching;
    this.queue.maxSize = limits.queueMaxSize;
    for (const served of this.versions) served.maxRows = this.maxRowsFor(served.pool);
    this.pump();
  }

  /** Replaces what the current version is described as (a rename, a config change that needs no reload). */
  updateDeployment(deployment: D): void {
    if (this.currentVersion) this.currentVersion.deployment = deployment;
  }

  /**
   * Starts serving `version` on `models`: new admissions go to it at once. The version served so
   * far keeps its instances until every item admitted for it has run, then they are disposed;
   * the promise settles when that is done.
   */
  async serve(version: number, models: LoadedModel[], deployment: D, limits?: RuntimeLimits): Promise<void> {
    if (limits) {
      this.batching = limits.batching;
      this.queue.maxSize = limits.queueMaxSize;
    }
    const previous = this.currentVersion;
    const served = this.makeVersion(version, models, deployment);
    this.versions.push(served);
    this.currentVersion = served;
    if (previous) this.retire(previous);
    this.pump();
    await previous?.gone;
  }

  /** Stops admitting, runs everything already admitted, then disposes every instance. */
  async drain(): Promise<void> {
    this.draining = true;
    this.pump();
    if (!this.allIdle()) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    this.clearFlush();
    await Promise.all(this.versions.map((served) => served.pool.dispose()));
  }

  /** Gives up on whatever is still running: answers queued items 409 and frees every instance now. */
  async forceStop(): Promise<void> {
    this.draining = true;
    this.clearFlush();
    for (const item of [...this.queue.inOrder()]) {
      this.removeQueued(item);
      this.settle(item, notDeployed());
    }
    await Promise.all(this.versions.map((served) => served.pool.forceDispose()));
  }

  snapshot(): RuntimeStats {
    return {
      version: this.version,
      queueDepth: this.queue.size,
      inFlightBatches: this.versions.reduce((sum, served) => sum + served.pool.busyCount, 0),
      instances: this.currentVersion?.pool.size ?? 0,
      batches: this.stats.batches,
      executedItems: this.stats.executedItems,
      expiredItems: this.stats.expiredItems,
      cancelledItems: this.stats.cancelledItems,
      rejectedItems: this.ledger.rejected,
      reservedItems: this.ledger.reserved,
      admittedItems: this.ledger.admitted,
      hungCalls: this.stats.hungCalls,
      retriedItems: this.stats.retriedItems,
      liveVersions: this.versions.map((served) => served.version),
      batchRowHistogram: { ...this.stats.histogram },
    };
  }

  private makeVersion(version: number, models: LoadedModel[], deployment: D): ServedVersion<D> {
    const pool = new InstancePool(models);
    const served: ServedVersion<D> = {
      version,
      deployment,
      pool,
      maxRows: this.maxRowsFor(pool),
      queued: new Set(),
      queuedRows: 0,
      holds: 0,
      retired: false,
      ledger: {
        hold: (count) => {
          this.ledger.hold(count);
          served.holds += count;
        },
        keep: (count) => {
          this.ledger.keep(count);
          served.holds += count;
        },
        giveBack: (count) => {
          this.ledger.giveBack(count);
          served.holds -= count;
          this.checkIdle(served);
        },
      },
    };
    return served;
  }

  private maxRowsFor(pool: InstancePool): number {
    // Not loaded yet (on-demand): the configured limit until the engine says what it can take.
    if (pool.size === 0) return Math.max(1, this.batching.maxBatchSize);
    const engineLimit = Math.min(...pool.slots.map((slot) => (slot.model.maxBatchSize > 0 ? slot.model.maxBatchSize : 1)));
    return Math.max(1, Math.min(this.batching.maxBatchSize, Number.isFinite(engineLimit) ? engineLimit : 1));
  }

  private retire(served: ServedVersion<D>): void {
    if (served.retired) return;
    served.retired = true;
    served.gone = new Promise<void>((resolve) => (served.markGone = resolve));
    this.checkIdle(served);
  }

  /** A retired version with no work left is disposed; a drain with no work left completes. */
  private checkIdle(served: ServedVersion<D>): void {
    if (served.markGone && served.queued.size === 0 && served.holds === 0 && served.pool.busyCount === 0) {
      const markGone = served.markGone;
      served.markGone = undefined;
      void served.pool.dispose().then(() => {
        this.versions.splice(this.versions.indexOf(served), 1);
        markGone();
      });
    }
    if (this.draining && this.allIdle()) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private allIdle(): boolean {
    return this.queue.size === 0 && this.ledger.reserved === 0 && this.versions.every((served) => served.pool.busyCount === 0);
  }

  private pump(): void {
    for (;;) {
      const next = this.nextDispatch();
      if (!next) break;
      const { served, slot, first } = next;
      const oldest = first;
      const rows = rowsToDispatch(this.batching, {
        waitingRows: served.queuedRows,
        oldestWaitMs: this.timers.now() - oldest.enqueuedAt,
        maxRows: served.maxRows,
        draining: this.draining || served.retired,
      });
      if (rows === 0) {
        this.scheduleFlush(oldest.enqueuedAt + this.batching.maxQueueDelayMs);
        break;
      }
      const batch = this.takeBatch(served, rows, slot);
      if (batch.length > 0) void this.run(served, slot, batch);
    }
    this.observer.queueDepthChanged(this.queue.size);
    for (const served of [...this.versions]) this.checkIdle(served);
  }

  /** The first queued item (in dispatch order) whose version has an idle instance it may run on, and that instance. */
  private nextDispatch(): { served: ServedVersion<D>; slot: InstanceSlot; first: PendingItem<D> } | undefined {
    const blocked = new Set<ServedVersion<D>>();
    for (const item of this.queue.inOrder()) {
      if (blocked.has(item.served)) continue;
      const slot = item.served.pool.freeSlot(item.retriedAwayFrom);
      if (slot) return { served: item.served, slot, first: item };
      blocked.add(item.served);
      if (blocked.size === this.versions.length) return undefined;
    }
    return undefined;
  }

  private scheduleFlush(at: number): void {
    if (this.flushTimer !== undefined && this.flushAt <= at) return;
    this.clearFlush();
    this.flushAt = at;
    this.flushTimer = this.timers.setTimeout(() => {
      this.flushTimer = undefined;
      this.pump();
    }, Math.max(0, at - this.timers.now()));
  }

  private clearFlush(): void {
    if (this.flushTimer !== undefined) this.timers.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /**
   * Takes items of one version in dispatch order up to `rows`, answering expired ones 504 instead
   * of running them. Always takes at least one runnable item, so the dispatcher makes progress
   * even when the next item is larger than a preferred batch size.
   */
  private takeBatch(served: ServedVersion<D>, rows: number, slot: InstanceSlot): PendingItem<D>[] {
    const batch: PendingItem<D>[] = [];
    const finished: Array<[PendingItem<D>, ApiError]> = [];
    let taken = 0;
    const now = this.timers.now();
    for (const item of this.queue.inOrder()) {
      if (item.served !== served || item.retriedAwayFrom === slot) continue;
      if (batch.length > 0 && taken + item.rows > rows) break;
      if (now >= item.deadline) {
        finished.push([item, inferenceTimeout()]);
        this.stats.expiredItems++;
        continue;
      }
      if (item.rows > served.maxRows) {
        // Only possible after a reconfigure lowered the limit while the item waited.
        finished.push([item, ApiError.badRequest('INVALID_INPUT', `The request carries ${item.rows} rows; this deployment now runs at most ${served.maxRows} per call`)]);
        continue;
      }
      batch.push(item);
      taken += item.rows;
    }
    for (const [item, error] of finished) {
      this.removeQueued(item);
      this.settle(item, error);
    }
    for (const item of batch) {
      this.removeQueued(item);
      this.detach(item);
    }
    return batch;
  }

  private async run(served: ServedVersion<D>, slot: InstanceSlot, batch: PendingItem<D>[]): Promise<void> {
    served.pool.acquire(slot);
    const started = this.timers.now();
    const batchRows = batch.reduce((sum, item) => sum + item.rows, 0);
    // A running item is not cancelled (the engine cannot be interrupted), but its client still
    // gets a 504 at its deadline instead of waiting on a stuck engine; the late result is dropped.
    const watchdogs = batch.map((item) =>
      this.timers.setTimeout(() => this.settle(item, new ApiError(504, 'INFERENCE_TIMEOUT', 'The engine did not finish before the request deadline')), Math.max(0, item.deadline - started)),
    );
    const latestDeadline = Math.max(...batch.map((item) => item.deadline));
    const { results, hung } = await executeWithWatchdog(
      slot.model,
      batch.map((item) => item.inputs),
      latestDeadline - started + this.engineGraceMs,
      this.timers,
    );
    for (const watchdog of watchdogs) this.timers.clearTimeout(watchdog);
    const inferenceMs = this.timers.now() - started;
    this.stats.batches++;
    this.stats.executedItems += batch.length;
    if (hung) this.stats.hungCalls++;
    this.stats.histogram[batchRows] = (this.stats.histogram[batchRows] ?? 0) + 1;
    this.observer.batchExecuted(batchRows, batch.length);
    batch.forEach((item, index) => {
      const result = results[index];
      if (item.settled) return;
      if (!result?.ok && result?.error.code === ENGINE_CRASHED_BEFORE_START && this.retryElsewhere(item, slot)) return;
      if (result?.ok) {
        item.settled = true;
        item.resolve({ outputs: result.outputs, version: served.version, queueMs: started - item.enqueuedAt, inferenceMs, batchRows });
      } else {
        this.settle(item, hung ? engineHung() : engineFailure(result?.error));
      }
    });
    served.pool.release(slot);
    this.observer.batchFinished?.();
    this.pump();
  }

  /** Items dropped before they reached the queue (waiting for their turn to decode) count as queued ones would. */
  countDropped(reason: 'expired' | 'cancelled', items: number): void {
    if (reason === 'expired') this.stats.expiredItems += items;
    else this.stats.cancelledItems += items;
  }

  private dropQueued(item: PendingItem<D>, reason: 'expired' | 'cancelled'): void {
    if (item.settled || !this.queue.remove(item)) return;
    this.forgetQueued(item);
    if (reason === 'expired') this.stats.expiredItems++;
    else this.stats.cancelledItems++;
    this.settle(item, reason === 'expired' ? inferenceTimeout() : cancelled());
    this.observer.queueDepthChanged(this.queue.size);
    this.checkIdle(item.served);
  }

  private removeQueued(item: PendingItem<D>): void {
    if (this.queue.remove(item)) this.forgetQueued(item);
  }

  private forgetQueued(item: PendingItem<D>): void {
    item.served.queued.delete(item);
    item.served.queuedRows -= item.rows;
  }

  private detach(item: PendingItem<D>): void {
    if (item.deadlineTimer !== undefined) this.timers.clearTimeout(item.deadlineTimer);
    item.detachAbort?.();
  }

  private settle(item: PendingItem<D>, error: ApiError): void {
    if (item.settled) return;
    item.settled = true;
    this.detach(item);
    item.reject(error);
  }
}

export function cancelled(): ApiError {
  return new ApiError(499, 'REQUEST_CANCELLED', 'The client closed the request');
}

function engineHung(): ApiError {
  return new ApiError(504, 'INFERENCE_TIMEOUT', 'The engine did not answer in time; its instance was restarted');
}

function engineFailure(error: { code: string; message: string } | undefined): ApiError {
  if (error?.code === 'INVALID_INPUT') return ApiError.badRequest('INVALID_INPUT', error.message);
  // The instance died under this batch (its process or worker); it is being restarted.
  if (error?.code === 'ENGINE_CRASHED' || error?.code === ENGINE_CRASHED_BEFORE_START) return new ApiError(503, 'ENGINE_CRASHED', 'The engine crashed while running this request; its instance is restarting', undefined, { 'Retry-After': '1' });
  return new ApiError(500, 'INFERENCE_FAILED', 'The engine could not run this request', error ? { engineCode: error.code } : undefined);
}
