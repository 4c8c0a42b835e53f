import { describe, expect, it } from 'vitest';
import type { ExecuteResult, LoadedModel, NamedTensors } from '../../engines/sdk/index.js';
import { ModelRuntime, RuntimeLimits } from './model-runtime.js';

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
      return { ok: true, outputs: { y: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(value * 2) } } };
    });
  }
  releaseAll(): void {
    for (const release of this.pending.splice(0)) release();
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

const input = (value: number): NamedTensors => ({ x: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(value) } });
const limits = (batching: Partial<RuntimeLimits['batching']> = {}, queueMaxSize = 100): RuntimeLimits => ({
  batching: { maxBatchSize: 4, maxQueueDelayMs: 20, preferredBatchSizes: [], ...batching },
  queueMaxSize,
});
const far = () => Date.now() + 60_000;
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await tick(2);
  }
}

describe('ModelRuntime', () => {
  it('collects concurrent items into one engine call up to maxBatchSize', async () => {
    const model = new FakeModel(8, true);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 4, maxQueueDelayMs: 50 }));
    const results = await Promise.all([1, 2, 3, 4, 5].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 })));
    expect(model.calls).toEqual([[1, 2, 3, 4], [5]]);
    expect(results.map((result) => (result.outputs.y.data as Float32Array)[0])).toEqual([2, 4, 6, 8, 10]);
    expect(results[0].batchRows).toBe(4);
    expect(runtime.snapshot().batchRowHistogram).toEqual({ 4: 1, 1: 1 });
  });

  it('waits at most maxQueueDelayMs for a batch to fill', async () => {
    const model = new FakeModel(8, true);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 8, maxQueueDelayMs: 30 }));
    const pending = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 });
    await tick(5);
    expect(model.calls).toEqual([]);
    await pending;
    expect(model.calls).toEqual([[1]]);
  });

  it('takes a preferred batch size at once instead of waiting for the maximum', async () => {
    const model = new FakeModel(8);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 8, maxQueueDelayMs: 10_000, preferredBatchSizes: [4, 8] }));
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
    await tick(20);
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
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
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
      await tick(2);
    }
    await Promise.all([blocker, ...all]);
    expect(model.calls.map((call) => call[0])).toEqual([0, 5, 2, 4, 1, 3]);
  });

  it('answers 504 and never executes an item whose deadline passed while waiting', async () => {
    const model = new FakeModel(1);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    const doomed = runtime.submit(input(7), { priority: 0, deadline: Date.now() + 20, rows: 1 });
    await expect(doomed).rejects.toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    model.releaseAll();
    await blocker;
    await tick(10);
    expect(model.calls.flat()).not.toContain(7);
    expect(runtime.snapshot().expiredItems).toBe(1);
  });

  it('rejects with QUEUE_FULL and Retry-After when the bounded queue is full', async () => {
    const model = new FakeModel(1);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }, 2));
    const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    const queued = [runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 }), runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 })];
    const rejected = runtime.submit(input(3), { priority: 9, deadline: far(), rows: 1 });
    await expect(rejected).rejects.toMatchObject({ code: 'QUEUE_FULL', headers: { 'Retry-After': '1' } });
    expect((await rejected.catch((error) => error)).getStatus()).toBe(503);
    const drained = runtime.drain();
    while (!model.disposed) {
      model.releaseAll();
      await tick(2);
    }
    await drained;
    await Promise.all([blocker, ...queued]);
    expect(model.calls).toEqual([[0], [1], [2]]);
  });

  it('drops a queued item whose client went away', async () => {
    const model = new FakeModel(1);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
    await until(() => model.calls.length === 1);
    const controller = new AbortController();
    const cancelled = runtime.submit(input(9), { priority: 0, deadline: far(), rows: 1, signal: controller.signal });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
    expect(runtime.snapshot().queueDepth).toBe(0);
    model.releaseAll();
    await blocker;
    await tick(5);
    expect(model.calls.flat()).not.toContain(9);
  });

  it('runs one batch per instance in parallel and never two on one instance', async () => {
    const models = [new FakeModel(1), new FakeModel(1)];
    const runtime = new ModelRuntime('m', models, 1, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const all = [1, 2, 3, 4].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 }));
    await until(() => models.every((model) => model.calls.length === 1));
    expect(runtime.snapshot().inFlightBatches).toBe(2);
    expect(runtime.snapshot().queueDepth).toBe(2);
    while (models.some((model) => model.pending.length > 0) || runtime.snapshot().queueDepth > 0) {
      models.forEach((model) => model.releaseAll());
      await tick(2);
    }
    await Promise.all(all);
    expect(models.map((model) => model.maxConcurrent)).toEqual([1, 1]);
    expect(models[0].calls.length + models[1].calls.length).toBe(4);
  });

  it('answers each item on its own: one bad item does not fail its neighbours', async () => {
    const model = new FakeModel(4, true);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 4, maxQueueDelayMs: 20 }));
    const [good, bad] = await Promise.allSettled([
      runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 }),
      runtime.submit(input(-1), { priority: 0, deadline: far(), rows: 1 }),
    ]);
    expect(model.calls).toEqual([[1, -1]]);
    expect(good.status).toBe('fulfilled');
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_INPUT' } });
  });

  it('hot-swaps: new batches go to new instances, the old one finishes its batch and is disposed, nothing fails', async () => {
    const oldModel = new FakeModel(1);
    const newModel = new FakeModel(1, true);
    const runtime = new ModelRuntime('m', [oldModel], 1, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const inFlight = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 });
    await until(() => oldModel.calls.length === 1);
    const queued = [2, 3].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 }));
    const swap = runtime.swapInstances([newModel], 2);
    await Promise.all(queued);
    expect(newModel.calls).toEqual([[2], [3]]);
    expect(oldModel.disposed).toBe(false);
    oldModel.releaseAll();
    expect((await inFlight).version).toBe(1);
    await swap;
    expect(oldModel.disposed).toBe(true);
    expect(runtime.version).toBe(2);
    expect((await runtime.submit(input(4), { priority: 0, deadline: far(), rows: 1 })).version).toBe(2);
  });

  it('drain runs everything queued, then disposes and refuses new items', async () => {
    const model = new FakeModel(2);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 2, maxQueueDelayMs: 10_000 }));
    const all = [1, 2, 3].map((value) => runtime.submit(input(value), { priority: 0, deadline: far(), rows: 1 }));
    await until(() => model.calls.length === 1);
    const drained = runtime.drain();
    await expect(runtime.submit(input(4), { priority: 0, deadline: far(), rows: 1 })).rejects.toMatchObject({ code: 'MODEL_NOT_DEPLOYED' });
    while (!model.disposed) {
      model.releaseAll();
      await tick(2);
    }
    await drained;
    expect((await Promise.all(all)).length).toBe(3);
    expect(model.calls).toEqual([[1, 2], [3]]);
  });

  it('refuses an item with more rows than one call may carry', async () => {
    const runtime = new ModelRuntime('m', [new FakeModel(2, true)], 1, limits({ maxBatchSize: 8 }));
    expect(runtime.maxRows).toBe(2);
    await expect(runtime.submit(input(1), { priority: 0, deadline: far(), rows: 3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('turns an engine crash into per-item INFERENCE_FAILED and keeps serving', async () => {
    const model = new FakeModel(4, true);
    model.failWith = new Error('boom /secret/path');
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 4, maxQueueDelayMs: 0 }));
    const error = await runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 }).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'INFERENCE_FAILED' });
    expect(error.message).not.toContain('secret');
    model.failWith = undefined;
    await expect(runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 })).resolves.toMatchObject({ batchRows: 1 });
  });

  it('dispatches an item larger than a preferred size on its own rather than stalling', async () => {
    const model = new FakeModel(8, true);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 8, maxQueueDelayMs: 10_000, preferredBatchSizes: [2] }));
    const big = runtime.submit(input(5), { priority: 0, deadline: far(), rows: 3 });
    await expect(big).resolves.toMatchObject({ batchRows: 3 });
  });

  it('answers INVALID_INPUT for a waiting item that a lowered maxBatchSize no longer fits', async () => {
    const model = new FakeModel(8);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 4, maxQueueDelayMs: 0 }));
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

  it('answers 504 at the deadline when the engine is stuck, and keeps the instance busy until it returns', async () => {
    const model = new FakeModel(1);
    const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }));
    const stuck = runtime.submit(input(1), { priority: 0, deadline: Date.now() + 30, rows: 1 });
    await expect(stuck).rejects.toMatchObject({ code: 'INFERENCE_TIMEOUT' });
    expect(runtime.snapshot().inFlightBatches).toBe(1);
    const next = runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1 });
    model.releaseAll();
    await until(() => model.calls.length === 2);
    model.releaseAll();
    await expect(next).resolves.toMatchObject({ batchRows: 1 });
  });
  describe('admission (places held before preprocessing)', () => {
    /** One instance kept busy by a blocker, so submitted items stay queued. */
    async function busyRuntime(queueMaxSize: number) {
      const model = new FakeModel(1);
      const runtime = new ModelRuntime('m', [model], 1, limits({ maxBatchSize: 1, maxQueueDelayMs: 0 }, queueMaxSize));
      const blocker = runtime.submit(input(0), { priority: 0, deadline: far(), rows: 1 });
      await until(() => model.calls.length === 1);
      return { model, runtime, blocker };
    }
    const room = (runtime: ModelRuntime) => runtime.snapshot();

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
        await tick(2);
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
      const elsewhere = new ModelRuntime('other', [new FakeModel(1, true)], 1, limits({}, 5)).admit(1);
      const filler = runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1 });
      await expect(runtime.submit(input(2), { priority: 0, deadline: far(), rows: 1, admission: elsewhere })).rejects.toMatchObject({ code: 'QUEUE_FULL' });
      expect(elsewhere.held).toBe(1);
      void filler.catch(() => undefined);
    });

    it('refuses admission while draining', async () => {
      const model = new FakeModel(1, true);
      const runtime = new ModelRuntime('m', [model], 1, limits());
      const held = runtime.admit(1);
      const drained = runtime.drain();
      expect(() => runtime.admit(1)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_DEPLOYED' }));
      expect(() => held.growTo(2)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_DEPLOYED' }));
      await expect(runtime.submit(input(1), { priority: 0, deadline: far(), rows: 1, admission: held })).rejects.toMatchObject({ code: 'MODEL_NOT_DEPLOYED' });
      held.release();
      await drained;
      expect(runtime.snapshot().reservedItems).toBe(0);
    });
  });
});
