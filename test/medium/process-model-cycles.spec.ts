import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedHeavyOutput, writeHeavyModel } from '../../bench/models/heavy-model.js';
import { ProcessModel } from '../../src/serving/isolation/process-model.js';

const MB = 1024 * 1024;
const TABLE_MB = 32;
const CYCLES = 6;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Load/unload cycles of a process-isolated instance with the real onnxruntime engine: the model's
 * memory lives in its child (whose RSS holds the table), and every unload ends that child, so all
 * of it goes back to the operating system; the server side keeps nothing per cycle. Counted
 * cycles, no timing: RSS tolerances are about leaks (a table's worth per cycle would be 192 MB). bench/residency.ts runs 100 cycles on the whole server.
 */
describe('process-isolated load/unload cycles (real onnxruntime, real child processes)', () => {
  let work: string;
  let modelPath: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'process-cycles-'));
    modelPath = join(work, 'heavy.onnx');
    writeHeavyModel(modelPath, { tableMb: TABLE_MB, offset: 5 });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(`ends the child on every unload and keeps the server's memory flat over ${CYCLES} cycles`, { timeout: 240_000 }, async () => {
    const crashes: string[] = [];
    const open = () =>
      ProcessModel.open({
        entry: resolve(import.meta.dirname, '../../engines/onnxruntime/index.ts'),
        engineConfig: {},
        artifact: { format: 'onnx', path: modelPath },
        loadOptions: { maxBatchSize: 4, intraOpThreads: 1, interOpThreads: 1 },
        maxMemoryBytes: 0,
        onCrash: (reason) => crashes.push(reason),
      });
    const input = [1, 2, 3, 4];
    const cycle = async () => {
      const model = await open();
      const pid = model.pid!;
      const [result] = await model.execute([{ x: { dtype: 'float32', shape: [1, 4], data: Float32Array.from(input) } }]);
      if (!result?.ok) throw new Error(`execute failed: ${JSON.stringify(result)}`);
      expect(Array.from(result.outputs.y!.data as Float32Array)).toEqual(expectedHeavyOutput(input, 5));
      const childBytes = model.residentBytes();
      await model.dispose();
      return { pid, childBytes };
    };

    // The first cycle pays for what the server loads once (modules, IPC machinery).
    await cycle();
    global.gc?.();
    const start = process.memoryUsage.rss();
    for (let index = 0; index < CYCLES; index++) {
      const { pid, childBytes } = await cycle();
      expect(childBytes).toBeGreaterThan(TABLE_MB * MB);
      // dispose() settles on the child's exit: its memory is the operating system's again.
      expect(alive(pid)).toBe(false);
    }
    const growth = process.memoryUsage.rss() - start;
    expect(growth).toBeLessThan(2 * TABLE_MB * MB);
    expect(crashes).toEqual([]);
  });
});
