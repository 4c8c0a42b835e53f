/**
 * TF.js's wasm backend computes on the calling thread, and onnxruntime-node 1.30 runs inference
 * synchronously after a setImmediate; both engines therefore run models in worker threads. This
 * counts event-loop turns before one heavy execute() call delivers its result. A model computing
 * on the main thread computes inside the first turn after the call and resolves before the second
 * one, whatever the machine's speed; off the main thread the loop keeps turning while the batch
 * runs. The test asserts that ordering (a few turns), not a rate of turns, so a fast or a loaded
 * machine gives the same answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, NamedTensors } from '../../engines/sdk/index.js';
import { createEngine as createOnnxEngine } from '../../engines/onnxruntime/index.js';
import { createEngine as createTensorflowEngine } from '../../engines/tensorflow/index.js';
import { buildOnnxClassifier, writeTfjsLayersModel } from '../fixtures/models/index.js';
import { silentLogger } from './engine-test-helpers.js';

const SIZE = 96;
/** Main-thread compute resolves before the second turn; three turns prove the loop was free. */
const MIN_TURNS_OFF_THREAD = 3;

async function countTicksDuring(work: () => Promise<unknown>): Promise<{ ticks: number; result: unknown }> {
  let ticks = 0;
  let running = true;
  const spin = () => {
    ticks += 1;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  const result = await work();
  running = false;
  return { ticks, result };
}

const CASES = [
  {
    name: 'tensorflow',
    engine: () => createTensorflowEngine({ config: {}, logger: silentLogger }),
    async artifact(dir: string) {
      const info = await writeTfjsLayersModel(join(dir, 'heavy'), { size: SIZE, filters: 32, convLayers: 4 });
      return { format: 'tfjs', path: info.dir };
    },
    request: (fill: number): NamedTensors => ({ image: { dtype: 'float32', shape: [1, SIZE, SIZE, 3], data: new Float32Array(SIZE * SIZE * 3).fill(fill) } }),
  },
  {
    name: 'onnxruntime',
    engine: () => createOnnxEngine({ config: {}, logger: silentLogger }),
    async artifact(dir: string) {
      const info = buildOnnxClassifier(join(dir, 'heavy.onnx'), { size: SIZE * 2, filters: 128 });
      return { format: 'onnx', path: info.path };
    },
    request: (fill: number): NamedTensors => ({ input: { dtype: 'float32', shape: [1, 3, SIZE * 2, SIZE * 2], data: new Float32Array(3 * SIZE * SIZE * 4).fill(fill) } }),
  },
];

for (const testCase of CASES) {
  describe(`${testCase.name} engine keeps the event loop free`, () => {
    let dir: string;
    let engine: Engine;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'event-loop-'));
      engine = await testCase.engine();
    });
    afterAll(async () => {
      await engine.shutdown?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ticks the loop many times while a heavy batch runs', async () => {
      const model = await engine.load(await testCase.artifact(dir), { maxBatchSize: 8, intraOpThreads: 1 });
      const requests = Array.from({ length: 4 }, (_, index) => testCase.request(index / 4));
      const { ticks, result } = await countTicksDuring(() => model.execute(requests));
      expect((result as { ok: boolean }[]).every((entry) => entry.ok)).toBe(true);
      expect(ticks).toBeGreaterThanOrEqual(MIN_TURNS_OFF_THREAD);
    });

    it('shutdown() stops the workers of models still loaded', async () => {
      const model = await engine.load(await testCase.artifact(dir), { maxBatchSize: 2 });
      await engine.shutdown?.();
      expect(await model.execute([testCase.request(0)])).toMatchObject([{ ok: false, error: { code: 'MODEL_DISPOSED' } }]);
    });
  });
}
