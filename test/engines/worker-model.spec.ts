import { afterEach, describe, expect, it } from 'vitest';
import { WorkerModel, workerSpawner, type NamedTensors } from '../../engines/sdk/index.js';

const spawn = workerSpawner(new URL('../fixtures/workers/index.ts', import.meta.url).href, 'crashy-worker');
const row = (a: number, b: number): NamedTensors => ({ x: { dtype: 'float32', shape: [1, 2], data: Float32Array.from([a, b]) } });

describe('WorkerModel (a runtime in a worker thread)', () => {
  let model: WorkerModel | undefined;
  afterEach(async () => model?.dispose());

  it('turns a worker that exits mid-run into per-request errors, then recovers on the next call', async () => {
    model = await WorkerModel.open(spawn, {}, 4);
    const results = await model.execute([row(1, 2), row(666, 0), row(3, 4)]);
    // The combined run dies; each request is retried alone so only the poisonous one fails.
    expect(results[0]).toMatchObject({ ok: true, outputs: { y: { data: Float32Array.from([1, 2]) } } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'ENGINE_CRASHED', message: expect.stringContaining('exited with code 3') } });
    expect(results[2]).toMatchObject({ ok: true, outputs: { y: { data: Float32Array.from([3, 4]) } } });
    const after = await model.execute([row(5, 6)]);
    expect(after[0]).toMatchObject({ ok: true });
  });

  it('turns an uncaught error inside the worker into ENGINE_CRASHED for that request', async () => {
    model = await WorkerModel.open(spawn, {}, 1);
    const results = await model.execute([row(777, 0), row(7, 8)]);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'ENGINE_CRASHED', message: expect.stringContaining('boom from the runtime') } });
    expect(results[1]).toMatchObject({ ok: true });
  });

  it('moves tensors to and from the worker instead of copying them', async () => {
    model = await WorkerModel.open(spawn, {}, 1);
    const request = row(3, 4);
    const [result] = await model.execute([request]);
    expect(result).toMatchObject({ ok: true, outputs: { y: { data: Float32Array.from([3, 4]) } } });
    // The request's buffer now belongs to the worker: the host's view of it is empty.
    expect(request.x.data.length).toBe(0);
    // A view into a larger buffer (Node's Buffer pool, for one) is copied, never moved.
    const pooled = Buffer.alloc(64);
    const view = new Float32Array(pooled.buffer, pooled.byteOffset, 2);
    view.set([5, 6]);
    const [copied] = await model.execute([{ x: { dtype: 'float32', shape: [1, 2], data: view } }]);
    expect(copied).toMatchObject({ ok: true, outputs: { y: { data: Float32Array.from([5, 6]) } } });
    expect(Array.from(view)).toEqual([5, 6]);
  });

  it('dispose terminates the worker and later calls answer MODEL_DISPOSED', async () => {
    model = await WorkerModel.open(spawn, {}, 2);
    await model.dispose();
    expect(await model.execute([row(1, 1)])).toEqual([{ ok: false, error: { code: 'MODEL_DISPOSED', message: 'the model was unloaded' } }]);
    model = undefined;
  });
});

describe('WorkerChannel timeouts', () => {
  it('kills a worker stuck in a call and answers TIMEOUT; the model then starts a fresh worker', async () => {
    const model = await WorkerModel.open(spawn, {}, 1);
    try {
      await expect(model.runOnce(row(888, 0), 300)).rejects.toMatchObject({ code: 'TIMEOUT' });
      const [after] = await model.execute([row(1, 2)]);
      expect(after).toMatchObject({ ok: true, outputs: { y: { data: Float32Array.from([1, 2]) } } });
    } finally {
      await model.dispose();
    }
  });
});
