import { describe, expect, it } from 'vitest';
import type { ExecuteResult, LoadedModel, NamedTensors } from '../../engines/sdk/index.js';
import { ENGINE_CRASHED_BEFORE_START } from './isolation/crash-codes.js';
import { ModelRuntime, RuntimeLimits } from './model-runtime.js';
import { ManualTimers, settle } from './runtime-timers.js';

/** A fake instance whose execute() calls stay pending until the test releases them. */
class FakeModel implements LoadedModel {
  readonly signature = { inputs: [{ name: 'x', dtype: 'float32' as const, shape: [-1, 1] }], outputs: [{ name: 'y', dtype: 'float32' as const, shape: [-1, 1] }] };
  readonly calls: number[][] = [];
  readonly pending: Array<() => void> = [];
  running = 0;
  maxConcurrent = 0;
  disposed = false;
  failWith?: Error;
  constructor(
    readonly maxBatchSize = 8,
    private readonly autoRelease = false,
    /** Added to every output, so a test can tell which instance answered. */
    private readonly offset = 0,
  ) {}

  async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
    if (this.disposed) throw new Error('execute after dispose');
    this.running++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
    this.calls.push(requests.map((request) => (request.x.data as Float32Array)[0]));
    if (!this.autoRelease) await new Promise<void>((resolve) => this.pending.push(resolve));
    else await Promise.resolve();
    this.running--;
    if (this.failWith) throw this.failWith;
    return requests.map((request) => {
      const value = (request.x.data as Float32Array)[0];
      if (value < 0) return { ok: false, error: { code: 'INVALID_INPUT', message: 'negative' } };
      return { ok: true, outputs: { y: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(value * 2 + this.offset) } } };
    });
  }
  releaseAll(): void {
    for (const release of this.pending.splice(0)) release();
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** A fake instance that can be restarted: a call pending at restart never answers; later calls do. */
class RestartableModel extends FakeModel {
  restarts = 0;
  async restart(): Promise<void> {
    this.restarts++;
    this.pending.splice(0);
    this.running = 0;
  }
}

const input = (value: number): NamedTensors => ({ x: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(value) } });
const limits = (batching: Partial<RuntimeLimits['batching']> = {}, queueMaxSize = 100): RuntimeLimits => ({
  batching: { maxBatchSize: 4, maxQueueDelayMs: 20, preferredBatchSizes: [], ...batching },
  queueMaxSize,
});
let timers = new ManualTimers();
const far = () => timers.now() + 60_000;
const tick = () => settle();
const output = (result: { outputs: NamedTensors }) => (result.outputs.y.data as Float32Array)[0];

/** A runtime on manual timers serving version 1 on `models`. */
function runtimeOf(models: LoadedModel[], runtimeLimits: RuntimeLimits, engineGraceMs = 100): ModelRuntime<string> {
  timers = new ManualTimers();
  const runtime = new ModelRuntime<string>('m', runtimeLimits, { timers, engineGraceMs });
  void runtime.serve(1, models, 'deployment-1');
  return runtime;
}

/** Waits for an explicit condition, letting promise chains run between checks (no clock involved). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200; turn++) {
    if (condition()) return;
    await settle(1);
  }
  throw new Error('condition not reached');
}

describe('ModelRuntime', () => {
  it('collects concurrent items into one engine call up to maxBatchSize', async () => {
    const model = new FakeModel(8, true);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 4, maxQueueDelayMs: 50 }));
    const all = Promise.all([1, 2, 3, 4, 5].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 })));
    await timers.advance(50);
    const results = await all;
    expect(model.calls).toEqual([[1, 2, 3, 4], [5]]);
    expect(results.map((result) => (result.outputs.y.data as Float32Array)[0])).toEqual([2, 4, 6, 8, 10]);
    expect(results[0].batchRows).toBe(4);
    expect(runtime.snapshot().batchRowHistogram).toEqual({ 4: 1, 1: 1 });
  });

  it('waits at most maxQueueDelayMs for a batch to fill', async () => {
    const model = new FakeModel(8, true);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 8, maxQueueDelayMs: 30 }));
    const pending = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 });
    await timers.advance(29);
    expect(model.calls).toEqual([]);
    await timers.advance(1);
    await pending;
    expect(model.calls).toEqual([[1]]);
  });

  it('takes a preferred batch size at once instead of waiting for the maximum', async () => {
    const model = new FakeModel(8);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 8, maxQueueDelayMs: 10_000, preferredBatchSizes: [4, 8] }));
    const firstFour = [0, 0, 0, 0].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 }));
    // Four waiting matches a preferred size: dispatched without waiting 10 s for eight.
    await until(() => model.calls.length === 1);
    expect(model.calls[0]).toEqual([0, 0, 0, 0]);
    const nextSix = [1, 2, 3, 4, 5, 6].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 }));
    model.releaseAll();
    await Promise.all(firstFour);
    // Six waiting, preferred [4, 8]: four go now rather than waiting for eight.
    await until(() => model.calls.length === 2);
    expect(model.calls[1]).toEqual([1, 2, 3, 4]);
    model.releaseAll();
    await timers.advance(5_000);
    expect(model.calls.length).toBe(2);
    expect(runtime.snapshot().queueDepth).toBe(2);
    const drained = runtime.drain();
    await until(() => model.calls.length === 3);
    model.releaseAll();
    await drained;
    await Promise.all(nextSix);
    expect(model.calls[2]).toEqual([5, 6]);
  });

  it('serves higher priority first and FIFO within a priority', async () => {
    const model = new FakeModel(1);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    const order: Array<[number, number]> = [
      [1, 0],
      [2, 5],
      [3, 0],
      [4, 5],
      [5, 9],
    ];
    const all = order.map(([value, priority]) => runtime.submit(input(value), { priority, deadline: far(), rows: 1 }));
    for (let i = 0; i <= order.length; i++) {
      model.releaseAll();
      await tick();
    }
    await Promise.all([blocker, ...all]);
    expect(model.calls.map((call) => call[0])).toEqual([0, 5, 2, 4, 1, 3]);
  });

  it('answers 504 and never executes an item whose deadline passed while waiting', async () => {
    const model = new FakeModel(1);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    const doomed = runtime.submit(input(7), { priority: 0, deadline: timers.now() + 20, rows: 1 }).catch((error: unknown) => error);
    await timers.advance(20);
    expect(await doomed).toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    model.releaseAll();
    await blocker;
    await tick();
    expect(model.calls.flat()).not.toContain(7);
    expect(runtime.snapshot().expiredItems).toBe(1);
  });

  it('rejects with QUEUE_FULL and Retry-After when the bounded queue is full', async () => {
    const model = new FakeModel(1);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }, 2));
    const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    const queued = [runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 }), runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 })];
    const rejected = runtime.submit(input(3), { priority: 9, deadline: far(), rows: 1 });
    await expect(rejected).rejects.toMatchObject({ code: 'QUEUE_FULL', headers: { 'Retry-After': '1' } });
    expect((await rejected.catch((error) => error)).getStatus()).toBe(503);
    const drained = runtime.drain();
    while (!model.disposed) {
      model.releaseAll();
      await tick();
    }
    await drained;
    await Promise.all([blocker, ...queued]);
    expect(model.calls).toEqual([[0], [1], [2]]);
  });

  it('drops a queued item whose client went away', async () => {
    const model = new FakeModel(1);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    const controller = new AbortController();
    const cancelled = runtime.submit(input(9), { priority: 0, deadline: far(), rows: 1, signal: controller.signal });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
    expect(runtime.snapshot().queueDepth).toBe(0);
    model.releaseAll();
    await blocker;
    await tick();
    expect(model.calls.flat()).not.toContain(9);
  });

  it('runs one batch per instance in parallel and never two on one instance', async () => {
    const models = [new FakeModel(1), new FakeModel(1)];
    const runtime = runtimeOf(models, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const all = [1, 2, 3, 4].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 }));
    await until(() => models.every((model) => model.calls.length === 1));
    expect(runtime.snapshot().inFlightBatches).toBe(2);
    expect(runtime.snapshot().queueDepth).toBe(2);
    while (models.some((model) => model.pending.length > 0) || runtime.snapshot().queueDepth > 0) {
      models.forEach((model) => model.releaseAll());
      await tick();
    }
    await Promise.all(all);
    expect(models.map((model) => model.maxConcurrent)).toEqual([1, 1]);
    expect(models[0].calls.length + models[1].calls.length).toBe(4);
  });

  it('answers each item on its own: one bad item does not fail its neighbours', async () => {
    const model = new FakeModel(4, true);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 4, maxQueueDelayMs: 20 }));
    const settled = Promise.allSettled([
      runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 }),
      runtime.submit(input(-1), { priority: 0, deadline: far(), rows: 1 }),
    ]);
    await timers.advance(20);
    const [good, bad] = await settled;
    expect(model.calls).toEqual([[1, -1]]);
    expect(good.status).toBe('fulfilled');
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_INPUT' } });
  });

  it('hot-swaps: new admissions go to the new version, the old one finishes its own items and is then disposed', async () => {
    const oldModel = new FakeModel(1);
    const newModel = new FakeModel(1, true, 1000);
    const runtime = runtimeOf([oldModel], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const inFlight = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 });
    await until(() => oldModel.calls.length === 1);
    // Admitted for version 1 before the swap: these must run on version 1's instance.
    const queuedForOld = [2, 3].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 }));
    const heldForOld = runtime.admit(1);
    expect(heldForOld.deployment).toBe('deployment-1');
    const swap = runtime.serve(2, [newModel], 'deployment-2');
    expect(runtime.current).toBe('deployment-2');
    const admittedAfter = runtime.admit(1);
    expect(admittedAfter.deployment).toBe('deployment-2');
    const forNew = runtime.submit(input(4), { priority: 0, deadline: far(), rows: 1, admission: admittedAfter });
    // Preprocessed for version 1 and submitted after the swap: still version 1.
    const lateForOld = runtime.submit(input(5), { priority: 0, deadline: far(), rows: 1, admission: heldForOld });
    expect(output(await forNew)).toBe(1008);
    expect((await forNew).version).toBe(2);
    expect(newModel.calls).toEqual([[4]]);
    expect(runtime.snapshot().liveVersions).toEqual([1, 2]);
    while (oldModel.calls.length < 4 || oldModel.pending.length > 0) {
      oldModel.releaseAll();
      await tick();
    }
    const oldResults = await Promise.all([inFlight, ...queuedForOld, lateForOld]);
    expect(oldResults.map((result) => [result.version, output(result)])).toEqual([
      [1, 2],
      [1, 4],
      [1, 6],
      [1, 10],
    ]);
    heldForOld.release();
    admittedAfter.release();
    await swap;
    expect(oldModel.disposed).toBe(true);
    expect(newModel.disposed).toBe(false);
    expect(runtime.snapshot().liveVersions).toEqual([2]);
    expect((await runtime.submit(input(6), { priority: 0, deadline: far(), rows: 1 })).version).toBe(2);
  });

  it('keeps a retired version alive while an admission granted for it is still preprocessing', async () => {
    const oldModel = new FakeModel(1, true);
    const runtime = runtimeOf([oldModel], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const held = runtime.admit(1);
    let swapped = false;
    const swap = runtime.serve(2, [new FakeModel(1, true)], 'deployment-2').then(() => (swapped = true));
    await tick();
    expect([swapped, oldModel.disposed]).toEqual([false, false]);
    const late = await runtime.submit(input(3), { priority: 0, deadline: far(), rows: 1, admission: held });
    expect(late.version).toBe(1);
    held.release();
    await swap;
    expect(oldModel.disposed).toBe(true);
  });

  it('drain runs everything queued, then disposes and refuses new items', async () => {
    const model = new FakeModel(2);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 2, maxQueueDelayMs: 10_000 }));
    const all = [1, 2, 3].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 }));
    await until(() => model.calls.length === 1);
    const drained = runtime.drain();
    await expect(runtime.submit(input(4), { priority: 0, deadline: far(), rows: 1 })).rejects.toMatchObject({ code: 'MODEL_NOT_DEPLOYED' });
    while (!model.disposed) {
      model.releaseAll();
      await tick();
    }
    await drained;
    expect((await Promise.all(all)).length).toBe(3);
    expect(model.calls).toEqual([[1, 2], [3]]);
  });

  it('refuses an item with more rows than one call may carry', async () => {
    const runtime = runtimeOf([new FakeModel(2, true)], limits({ maxBatchSize: 8 }));
    expect(runtime.maxRows).toBe(2);
    await expect(runtime.submit(input(1), { priority: 0, deadline: far(), rows: 3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('turns an engine crash into per-item INFERENCE_FAILED and keeps serving', async () => {
    const model = new FakeModel(4, true);
    model.failWith = new Error('boom /secret/path');
    const runtime = runtimeOf([model], limits({ maxBatchSize: 4, maxQueueDelayMs: 0 }));
    const error = await runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 }).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'INFERENCE_FAILED' });
    expect(error.message).not.toContain('secret');
    model.failWith = undefined;
    await expect(runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 })).resolves.toMatchObject({ batchRows: 1 });
  });

  it('dispatches an item larger than a preferred size on its own rather than stalling', async () => {
    const model = new FakeModel(8, true);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 8, maxQueueDelayMs: 10_000, preferredBatchSizes: [2] }));
    const big = runtime.submit(input(5), { priority: 0, deadline: far(), rows: 3 });
    await expect(big).resolves.toMatchObject({ batchRows: 3 });
  });

  it('answers INVALID_INPUT for a waiting item that a lowered maxBatchSize no longer fits', async () => {
    const model = new FakeModel(8);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 4, maxQueueDelayMs: 0 }));
    const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    const wide = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 4 });
    const narrow = runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 });
    runtime.updateLimits(limits({ maxBatchSize: 2, maxQueueDelayMs: 0 }));
    model.releaseAll();
    await expect(wide).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await until(() => model.calls.length === 2);
    model.releaseAll();
    await Promise.all([blocker, narrow]);
    expect(model.calls).toEqual([[0], [2]]);
  });

  it('answers 504 at the deadline when the engine is stuck, and keeps an engine that cannot restart busy until it returns', async () => {
    const model = new FakeModel(1);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const stuck = runtime.submit(input(1), { priority: 0, deadline: timers.now() + 30, rows: 1 }).catch((error: unknown) => error);
    await timers.advance(30);
    expect(await stuck).toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    expect(runtime.snapshot().inFlightBatches).toBe(1);
    const next = runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 });
    await timers.advance(1_000);
    expect(model.calls.length).toBe(1);
    model.releaseAll();
    await until(() => model.calls.length === 2);
    model.releaseAll();
    await expect(next).resolves.toMatchObject({ batchRows: 1 });
  });

  it('restarts an engine whose call outlives the deadline plus the grace period; the next item runs', async () => {
    const model = new RestartableModel(1);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }), 100);
    const stuck = runtime.submit(input(1), { priority: 0, deadline: timers.now() + 30, rows: 1 }).catch((error: unknown) => error);
    const next = runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 });
    await timers.advance(30);
    expect(await stuck).toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    await timers.advance(99);
    expect(model.restarts).toBe(0);
    await timers.advance(1);
    expect(model.restarts).toBe(1);
    await until(() => model.calls.length === 2);
    model.releaseAll();
    expect(output(await next)).toBe(4);
    expect(runtime.snapshot()).toMatchObject({ hungCalls: 1, inFlightBatches: 0 });
  });

  it('forceStop answers queued items and frees instances that are still busy', async () => {
    const model = new FakeModel(1);
    const runtime = runtimeOf([model], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const running = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 });
    const queued = runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    await runtime.forceStop();
    await expect(queued).rejects.toMatchObject({ code: 'MODEL_NOT_DEPLOYED' });
    expect(model.disposed).toBe(true);
    void running.catch(() => undefined);
  });

  describe('admission (places held before preprocessing)', () => {
    /** One instance kept busy by a blocker, so submitted items stay queued. */
    async function busyRuntime(queueMaxSize: number) {
      const model = new FakeModel(1);
      const runtime = runtimeOf([model], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }, queueMaxSize));
      const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
      await until(() => model.calls.length === 1);
      return { model, runtime, blocker };
    }
    const room = (runtime: ModelRuntime<string>) => runtime.snapshot();

    it('counts held places against queue.maxSize, so a full queue refuses before anything is preprocessed', async () => {
      const { runtime, model } = await busyRuntime(3);
      const first = runtime.admit(2);
      expect([first.held, room(runtime).reservedItems, room(runtime).admittedItems]).toEqual([2, 2, 2]);
      const queued = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 });
      expect(room(runtime).queueDepth).toBe(1);
      // 1 queued + 2 held = 3 = maxSize: no more room, whether admitting or submitting directly.
      expect(() => runtime.admit(1)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL', headers: { 'Retry-After': '1' } }));
      await expect(runtime.submit(input(9), { priority: 5, deadline: far(), rows: 1 })).rejects.toMatchObject({ code: 'QUEUE_FULL' });
      expect(room(runtime).rejectedItems).toBe(2);
      expect(room(runtime).admittedItems).toBe(2);

      // Items submitted with the admission use its places: the total stays within the bound.
      const admitted = [2, 3].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1, admission: first }));
      expect([first.held, room(runtime).reservedItems, room(runtime).queueDepth]).toEqual([0, 0, 3]);
      first.release();
      expect(room(runtime).reservedItems).toBe(0);
      while (model.calls.length < 4) {
        model.releaseAll();
        await tick();
      }
      model.releaseAll();
      await Promise.all([queued, ...admitted]);
      expect(model.calls).toEqual([[0], [1], [2], [3]]);
    });

    it('gives back unused places on release (once, however often it is called)', async () => {
      const { runtime } = await busyRuntime(2);
      const admission = runtime.admit(2);
      expect(() => runtime.admit(1)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
      admission.release();
      admission.release();
      expect([admission.held, room(runtime).reservedItems]).toEqual([0, 0]);
      const next = runtime.admit(2);
      expect(room(runtime).reservedItems).toBe(2);
      next.release();
      expect(room(runtime).reservedItems).toBe(0);
    });

    it('grows an admission only while there is room, keeping what it held when refused', async () => {
      const { runtime } = await busyRuntime(3);
      const admission = runtime.admit(1);
      admission.growTo(3);
      expect([admission.held, room(runtime).reservedItems]).toEqual([3, 3]);
      admission.growTo(2); // never shrinks
      expect(admission.held).toBe(3);
      admission.release();
      const other = runtime.admit(2);
      const growing = runtime.admit(1);
      expect(() => growing.growTo(2)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
      expect([growing.held, room(runtime).reservedItems]).toEqual([1, 3]);
      growing.release();
      other.release();
      expect(room(runtime).reservedItems).toBe(0);
    });

    it('items that ran keep a place while they are postprocessed, even over a full queue, and refuse others meanwhile', async () => {
      const { runtime, model, blocker } = await busyRuntime(2);
      const admission = runtime.admit(1);
      const item = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1, admission });
      model.releaseAll();
      await tick();
      model.releaseAll();
      await Promise.all([blocker, item]);
      expect([admission.held, room(runtime).reservedItems, room(runtime).queueDepth]).toEqual([0, 0, 0]);
      // Another request takes every place; the finished item keeps one anyway (it was admitted).
      const other = runtime.admit(2);
      const admittedBefore = room(runtime).admittedItems;
      admission.keepWhileFinishing(1);
      expect([admission.held, room(runtime).reservedItems]).toEqual([1, 3]);
      expect(() => runtime.admit(1)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
      expect(room(runtime).admittedItems).toBe(admittedBefore); // kept, not admitted again
      admission.release();
      other.release();
      expect(room(runtime).reservedItems).toBe(0);
      runtime.admit(2).release();
    });

    it('an item that fails before queueing leaves its place held, for the caller to release', async () => {
      const { runtime } = await busyRuntime(2);
      const admission = runtime.admit(1);
      const aborted = new AbortController();
      aborted.abort();
      await expect(runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1, signal: aborted.signal, admission })).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
      await expect(runtime.submit(input(1), { priority: 0, deadline: far(), rows: 5, admission })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect([admission.held, room(runtime).reservedItems]).toEqual([1, 1]);
      admission.release();
      expect(room(runtime).reservedItems).toBe(0);
    });

    it('does not use a place held in another runtime’s queue', async () => {
      const { runtime } = await busyRuntime(1);
      const other = new ModelRuntime<string>('other', limits({}, 5));
      void other.serve(1, [new FakeModel(1, true)], 'other-1');
      const elsewhere = other.admit(1);
      const filler = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 });
      await expect(runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1, admission: elsewhere })).rejects.toMatchObject({ code: 'QUEUE_FULL' });
      expect(elsewhere.held).toBe(1);
      void filler.catch(() => undefined);
    });

    it('refuses new admissions while draining, but runs what was already admitted', async () => {
      const model = new FakeModel(1, true);
      const runtime = runtimeOf([model], limits());
      const held = runtime.admit(1);
      let drainedYet = false;
      const drained = runtime.drain().then(() => (drainedYet = true));
      expect(() => runtime.admit(1)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_DEPLOYED' }));
      expect(() => held.growTo(2)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_DEPLOYED' }));
      await expect(runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 })).rejects.toMatchObject({ code: 'MODEL_NOT_DEPLOYED' });
      await tick();
      expect(drainedYet).toBe(false);
      await expect(runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1, admission: held })).resolves.toMatchObject({ version: 1 });
      held.release();
      await drained;
      expect(runtime.snapshot().reservedItems).toBe(0);
      expect(model.disposed).toBe(true);
    });
  });
});

/** An instance whose process "died before the engine call began" for its next `deaths` calls. */
class DiesBeforeStartModel extends FakeModel {
  constructor(
    private deaths: number,
    offset: number,
  ) {
    super(8, true, offset);
  }
  override async execute(requests: NamedTensors[]): Promise<ExecuteResult[]> {
    if (this.deaths > 0) {
      this.deaths--;
      this.calls.push(requests.map((request) => (request.x.data as Float32Array)[0]));
      return requests.map(() => ({ ok: false, error: { code: ENGINE_CRASHED_BEFORE_START, message: 'the instance process was killed by SIGKILL' } }));
    }
    return super.execute(requests);
  }
}

describe('ModelRuntime: a batch whose instance died before running it', () => {
  it('is retried once on another instance of the version, keeping its place', async () => {
    const dying = new DiesBeforeStartModel(1, 0);
    const healthy = new FakeModel(8, true, 100);
    const runtime = runtimeOf([dying, healthy], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const result = await runtime.submit(input(3), { priority: 0, deadline: far(), rows: 1 });
    expect(output(result)).toBe(106);
    expect(dying.calls).toEqual([[3]]);
    expect(healthy.calls).toEqual([[3]]);
    expect(runtime.snapshot()).toMatchObject({ retriedItems: 1, queueDepth: 0, inFlightBatches: 0 });
  });

  it('answers 503 ENGINE_CRASHED with one instance only, and after a second death', async () => {
    const alone = runtimeOf([new DiesBeforeStartModel(1, 0)], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    await expect(alone.submit(input(1), { priority: 0, deadline: far(), rows: 1 })).rejects.toMatchObject({ status: 503, code: 'ENGINE_CRASHED' });
    expect(alone.snapshot().retriedItems).toBe(0);

    const first = new DiesBeforeStartModel(1, 0);
    const second = new DiesBeforeStartModel(1, 100);
    const both = runtimeOf([first, second], limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    await expect(both.submit(input(2), { priority: 0, deadline: far(), rows: 1 })).rejects.toMatchObject({ status: 503, code: 'ENGINE_CRASHED' });
    expect([first.calls, second.calls]).toEqual([[[2]], [[2]]]);
    expect(both.snapshot().retriedItems).toBe(1);
  });
});
