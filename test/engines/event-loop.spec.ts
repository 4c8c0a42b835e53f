/**
 * The TF.js wasm backend computes on the thread that calls it; the engine must run it in a worker
 * so the host keeps serving. Counts event-loop turns during one heavy execute() call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../engines/sdk/index.js';
import { createEngine } from '../../engines/tensorflow/index.js';
import { writeTfjsLayersModel } from '../fixtures/models/index.js';
import { silentLogger } from './engine-test-helpers.js';

describe('tensorflow engine keeps the event loop free', () => {
  let dir: string;
  let model: LoadedModel;
  const size = 96;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'event-loop-'));
    const info = await writeTfjsLayersModel(join(dir, 'heavy'), { size, filters: 32, convLayers: 4 });
    model = await (await createEngine({ config: {}, logger: silentLogger })).load({ format: 'tfjs', path: info.dir }, { maxBatchSize: 8 });
  });
  afterAll(async () => {
    await model?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ticks the loop many times while a heavy batch runs', async () => {
    const requests = Array.from({ length: 4 }, (_, index) => ({
      image: { dtype: 'float32' as const, shape: [1, size, size, 3], data: new Float32Array(size * size * 3).fill(index / 4) },
    }));
    let ticks = 0;
    let running = true;
    const spin = () => {
      ticks += 1;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const results = await model.execute(requests);
    running = false;
    expect(results.every((result) => result.ok)).toBe(true);
    // A model computing on the main thread would allow at most a couple of turns.
    expect(ticks).toBeGreaterThan(50);
  });
});
