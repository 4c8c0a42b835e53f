import type { ExecuteResult, LoadedModel, NamedTensors } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { BatchingPolicy, rowsToDispatch } from './batch-policy.js';
import { QueueEntry, RequestQueue } from './request-queue.js';

export type { BatchingPolicy } from './batch-policy.js';

export interface RuntimeLimits {
  batching: BatchingPolicy;
  queueMaxSize: number;
}

export interface SubmitOptions {
  priority: number;
  /** Absolute time (ms, same clock as Date.now) after which the item must not be executed. */
  deadline: number;
  /** Batch rows this item carries (the first dimension of its tensors). */
  rows: number;
  /** Aborted when the client goes away: a still-queued item is dropped. */
  signal?: AbortSignal;
  /** A place reserved for this item by `admit`; without one, submit checks for room itself. */
  admission?: Admission;
}

interface PlaceLedger {
  hold(count: number): void;
  giveBack(count: number): void;
}

/**
 * Places in one runtime's queue held for items that were admitted but are still being read or
 * preprocessed, so a full queue refuses a request before it pays for decoding. `submit` uses one
 * place per item; whatever is left must be given back with `release` (idempotent), on success,
 * error or client abort alike.
 */
export class Admission {
  private count: number;

  constructor(
    private readonly ledger: PlaceLedger,
    count: number,
  ) {
    ledger.hold(count);
    this.count = count;
  }

  /** Places still held. */
  get held(): number {
    return this.count;
  }

  /** Holds more places until `total` are held; throws (still holding what it held) when there is no room. */
  growTo(total: number): void {
    if (total <= this.count) return;
    this.ledger.hold(total - this.count);
    this.count = total;
  }

  /** Gives back every place not used by a submit. */
  release(): void {
    this.ledger.giveBack(this.count);
    this.count = 0;
  }

  /** Uses one held place for an item entering the queue of `ledger`; false when none is held there. */
  usePlaceOf(ledger: PlaceLedger): boolean {
    if (ledger !== this.ledger || this.count <= 0) return false;
    this.ledger.giveBack(1);
    this.count--;
    return true;
  }
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
  /** How many engine calls carried N rows, keyed by N. */
  batchRowHistogram: Record<number, number>;
}

interface PendingItem extends QueueEntry {
  inputs: NamedTensors;
  enqueuedAt: number;
  deadline: number;
  deadlineTimer?: NodeJS.Timeout;
  detachAbort?: () => void;
  settled: boolean;
  resolve(result: ItemResult): void;
  reject(error: ApiError): void;
}

interface InstanceSlot {
  model: LoadedModel;
  version: number;
  busy: boolean;
  retired: boolean;
  /** Set when the slot is retired; settles once its model is disposed. */
  disposed?: Promise<void>;
  markDisposed?: () => void;
}

interface InstancePool {
  version: number;
  slots: InstanceSlot[];
  maxRows: number;
}

export function inferenceTimeout(): ApiError {
  return new ApiError(504, 'INFERENCE_TIMEOUT', 'The request waited longer than its deadline and was not executed');
}

/**
 * Serving runtime of one deployed model: a bounded priority queue, a dynamic batcher, and a pool
 * of loaded instances that each run one batch at a time (engines are never called concurrently on
 * one instance). The queue object outlives hot swaps: `swapInstances` re-points the dispatcher at
 * new instances atomically while old ones finish their in-flight batch and are then disposed.
 */
export class ModelRuntime {
  private readonly queue: RequestQueue<PendingItem>;
  private pool: InstancePool;
  private readonly retiring = new Set<InstanceSlot>();
  private batching: BatchingPolicy;
  private flushTimer?: NodeJS.Timeout;
  private flushAt = 0;
  private draining = false;
  private drainWaiters: Array<() => void> = [];
  private readonly stats = { batches: 0, executedItems: 0, expiredItems: 0, cancelledItems: 0, rejectedItems: 0, admittedItems: 0, histogram: {} as Record<number, number> };
  /** Places held by admissions and not yet used: queued items plus these never exceed queue.maxSize. */
  private reserved = 0;

  constructor(
    readonly modelId: string,
    models: LoadedModel[],
    version: number,
    limits: RuntimeLimits,
    private readonly observer: RuntimeObserver = { batchExecuted() {}, queueDepthChanged() {} },
    private readonly now: () => number = Date.now,
  ) {
    this.queue = new RequestQueue<PendingItem>(limits.queueMaxSize);
    this.batching = limits.batching;
    this.pool = this.makePool(models, version);
  }

  get version(): number {
    return this.pool.version;
  }

  /** Largest number of rows one engine call may carry. */
  get maxRows(): number {
    return this.pool.maxRows;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Holds `count` places in the queue for items about to be preprocessed, or refuses at once:
   * 409 MODEL_NOT_DEPLOYED while draining, 503 QUEUE_FULL (with Retry-After) when queued plus
   * reserved items leave no room.
   */
  admit(count = 1): Admission {
    return new Admission(this.places, count);
  }

  /** Queues one item; resolves with its own outputs or rejects with its own ApiError. */
  submit(inputs: NamedTensors, options: SubmitOptions): Promise<ItemResult> {
    if (this.draining) {
      return Promise.reject(notDeployed());
    }
    if (options.rows > this.pool.maxRows) {
      return Promise.reject(
        ApiError.badRequest('INVALID_INPUT', `The request carries ${options.rows} rows; this deployment runs at most ${this.pool.maxRows} per call`),
      );
    }
    if (options.signal?.aborted) {
      return Promise.reject(new ApiError(499, 'REQUEST_CANCELLED', 'The client closed the request'));
    }
    const placeHeld = options.admission?.usePlaceOf(this.places) ?? false;
    // With a held place the room was checked at admission; only a reconfigure that shrank the
    // queue since then can leave it full.
    if (placeHeld ? this.queue.isFull() : !this.hasRoom(1)) {
      this.stats.rejectedItems++;
      return Promise.reject(queueFull());
    }
    return new Promise<ItemResult>((resolve, reject) => {
      const item: PendingItem = {
        priority: options.priority,
        sequence: 0,
        inputs,
        rows: options.rows,
        enqueuedAt: this.now(),
        deadline: options.deadline,
        settled: false,
        resolve,
        reject,
      };
      this.queue.offer(item);
      const waitMs = Math.max(0, options.deadline - this.now());
      item.deadlineTimer = setTimeout(() => this.expire(item), waitMs);
      if (options.signal) {
        const onAbort = () => this.cancel(item);
        options.signal.addEventListener('abort', onAbort, { once: true });
        item.detachAbort = () => options.signal?.removeEventListener('abort', onAbort);
      }
      this.observer.queueDepthChanged(this.queue.size);
      this.pump();
    });
  }

  /** Applies new batching/queue limits; takes effect for the next dispatch decision. */
  updateLimits(limits: RuntimeLimits): void {
    this.batching = limits.batching;
    this.queue.maxSize = limits.queueMaxSize;
    this.pool.maxRows = this.maxRowsFor(this.pool.slots.map((slot) => slot.model));
    this.pump();
  }

  /**
   * Atomically routes future batches to `models`. Old instances finish their in-flight batch and
   * are disposed; the promise settles once they all are.
   */
  async swapInstances(models: LoadedModel[], version: number, limits?: RuntimeLimits): Promise<void> {
    const old = this.pool;
    if (limits) {
      this.batching = limits.batching;
      this.queue.maxSize = limits.queueMaxSize;
    }
    this.pool = this.makePool(models, version);
    const disposals = old.slots.map((slot) => this.retire(slot));
    this.pump();
    await Promise.all(disposals);
  }

  /** Stops admitting, runs everything already queued, then disposes every instance. */
  async drain(): Promise<void> {
    this.draining = true;
    this.pump();
    if (this.queue.size > 0 || this.busyCount() > 0) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
    clearTimeout(this.flushTimer);
    await Promise.all([...this.pool.slots.map((slot) => this.retire(slot)), ...[...this.retiring].map((slot) => slot.disposed)]);
  }

  snapshot(): RuntimeStats {
    return {
      version: this.pool.version,
      queueDepth: this.queue.size,
      inFlightBatches: this.busyCount(),
      instances: this.pool.slots.length,
      batches: this.stats.batches,
      executedItems: this.stats.executedItems,
      expiredItems: this.stats.expiredItems,
      cancelledItems: this.stats.cancelledItems,
      rejectedItems: this.stats.rejectedItems,
      reservedItems: this.reserved,
      admittedItems: this.stats.admittedItems,
      batchRowHistogram: { ...this.stats.histogram },
    };
  }

  private hasRoom(count: number): boolean {
    return this.queue.size + this.reserved + count <= this.queue.maxSize;
  }

  private readonly places: PlaceLedger = {
    hold: (count) => {
      if (this.draining) throw notDeployed();
      if (!this.hasRoom(count)) {
        this.stats.rejectedItems++;
        throw queueFull();
      }
      this.reserved += count;
      this.stats.admittedItems += count;
    },
    giveBack: (count) => {
      this.reserved -= count;
    },
  };

  private makePool(models: LoadedModel[], version: number): InstancePool {
    return { version, slots: models.map((model) => ({ model, version, busy: false, retired: false })), maxRows: this.maxRowsFor(models) };
  }

  private maxRowsFor(models: LoadedModel[]): number {
    const engineLimit = Math.min(...models.map((model) => (model.maxBatchSize > 0 ? model.maxBatchSize : 1)));
    return Math.max(1, Math.min(this.batching.maxBatchSize, Number.isFinite(engineLimit) ? engineLimit : 1));
  }

  private busyCount(): number {
    return this.pool.slots.filter((slot) => slot.busy).length + [...this.retiring].filter((slot) => slot.busy).length;
  }

  private retire(slot: InstanceSlot): Promise<void> {
    if (!slot.disposed) {
      slot.retired = true;
      this.retiring.add(slot);
      slot.disposed = new Promise<void>((resolve) => (slot.markDisposed = resolve));
      if (!slot.busy) this.disposeSlot(slot);
    }
    return slot.disposed;
  }

  private disposeSlot(slot: InstanceSlot): void {
    const markDisposed = slot.markDisposed;
    if (!markDisposed) return;
    slot.markDisposed = undefined;
    void slot.model
      .dispose()
      .catch(() => undefined)
      .finally(() => {
        this.retiring.delete(slot);
        markDisposed();
      });
  }

  private pump(): void {
    for (;;) {
      if (this.queue.size === 0) break;
      const slot = this.pool.slots.find((candidate) => !candidate.busy);
      if (!slot) break;
      const oldest = this.queue.oldest();
      const rows = rowsToDispatch(this.batching, {
        waitingRows: this.queue.waitingRows,
        oldestWaitMs: oldest ? this.now() - oldest.enqueuedAt : 0,
        maxRows: this.pool.maxRows,
        draining: this.draining,
      });
      if (rows === 0) {
        this.scheduleFlush();
        break;
      }
      const batch = this.takeBatch(rows);
      if (batch.length > 0) void this.run(slot, batch);
    }
    this.observer.queueDepthChanged(this.queue.size);
    this.checkDrained();
  }

  private scheduleFlush(): void {
    const oldest = this.queue.oldest();
    if (!oldest) return;
    const at = oldest.enqueuedAt + this.batching.maxQueueDelayMs;
    if (this.flushTimer && this.flushAt <= at) return;
    clearTimeout(this.flushTimer);
    this.flushAt = at;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.pump();
    }, Math.max(0, at - this.now()));
  }

  /**
   * Takes items in dispatch order up to `rows`, answering expired ones 504 instead of running them.
   * Always takes at least one runnable item, so the dispatcher makes progress even when the next
   * item is larger than a preferred batch size.
   */
  private takeBatch(rows: number): PendingItem[] {
    const batch: PendingItem[] = [];
    let taken = 0;
    for (;;) {
      const next = this.queue.peek();
      if (!next || (batch.length > 0 && taken + next.rows > rows)) break;
      this.queue.shift();
      if (this.now() >= next.deadline) {
        this.settle(next, inferenceTimeout());
        this.stats.expiredItems++;
        continue;
      }
      if (next.rows > this.pool.maxRows) {
        // Only possible after a reconfigure lowered the limit while the item waited.
        this.settle(next, ApiError.badRequest('INVALID_INPUT', `The request carries ${next.rows} rows; this deployment now runs at most ${this.pool.maxRows} per call`));
        continue;
      }
      this.detach(next);
      batch.push(next);
      taken += next.rows;
    }
    return batch;
  }

  private async run(slot: InstanceSlot, batch: PendingItem[]): Promise<void> {
    slot.busy = true;
    const started = this.now();
    const batchRows = batch.reduce((sum, item) => sum + item.rows, 0);
    // A running item is not cancelled (the engine cannot be interrupted), but its client still
    // gets a 504 at its deadline instead of waiting on a stuck engine; the late result is dropped.
    const watchdogs = batch.map((item) =>
      setTimeout(() => this.settle(item, new ApiError(504, 'INFERENCE_TIMEOUT', 'The engine did not finish before the request deadline')), Math.max(0, item.deadline - started)),
    );
    let results: ExecuteResult[];
    try {
      results = await slot.model.execute(batch.map((item) => item.inputs));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results = batch.map(() => ({ ok: false, error: { code: 'INFERENCE_FAILED', message } }));
    }
    for (const watchdog of watchdogs) clearTimeout(watchdog);
    const inferenceMs = this.now() - started;
    this.stats.batches++;
    this.stats.executedItems += batch.length;
    this.stats.histogram[batchRows] = (this.stats.histogram[batchRows] ?? 0) + 1;
    this.observer.batchExecuted(batchRows, batch.length);
    batch.forEach((item, index) => {
      const result = results[index];
      if (item.settled) return;
      if (result?.ok) {
        item.settled = true;
        item.resolve({ outputs: result.outputs, version: slot.version, queueMs: started - item.enqueuedAt, inferenceMs, batchRows });
      } else {
        this.settle(item, engineFailure(result?.error));
      }
    });
    slot.busy = false;
    if (slot.retired) this.disposeSlot(slot);
    this.pump();
  }

  private expire(item: PendingItem): void {
    if (item.settled || !this.queue.remove(item)) return;
    this.stats.expiredItems++;
    this.settle(item, inferenceTimeout());
    this.observer.queueDepthChanged(this.queue.size);
    this.checkDrained();
  }

  private cancel(item: PendingItem): void {
    if (item.settled || !this.queue.remove(item)) return;
    this.stats.cancelledItems++;
    this.settle(item, new ApiError(499, 'REQUEST_CANCELLED', 'The client closed the request'));
    this.observer.queueDepthChanged(this.queue.size);
    this.checkDrained();
  }

  private detach(item: PendingItem): void {
    clearTimeout(item.deadlineTimer);
    item.detachAbort?.();
  }

  private settle(item: PendingItem, error: ApiError): void {
    if (item.settled) return;
    item.settled = true;
    this.detach(item);
    item.reject(error);
  }

  private checkDrained(): void {
    if (!this.draining || this.queue.size > 0 || this.busyCount() > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function notDeployed(): ApiError {
  return new ApiError(409, 'MODEL_NOT_DEPLOYED', 'The model is being undeployed');
}

function queueFull(): ApiError {
  return new ApiError(503, 'QUEUE_FULL', 'The model queue is full; retry later', undefined, { 'Retry-After': '1' });
}

function engineFailure(error: { code: string; message: string } | undefined): ApiError {
  if (error?.code === 'INVALID_INPUT') return ApiError.badRequest('INVALID_INPUT', error.message);
  return new ApiError(500, 'INFERENCE_FAILED', 'The engine could not run this request', error ? { engineCode: error.code } : undefined);
}
