/**
 * The TypeScript side of the TensorRT engine, against a fake binding that behaves like the addon:
 * a plan is JSON describing the I/O tensors, and inference computes y = x * 2 in float32.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTensorRtEngine } from '../../engines/tensorrt/index.js';
import { loadTensorRtBinding, type NativeEngine, type NativeInput, type NativeIoTensor, type TensorRtBinding } from '../../engines/tensorrt/binding.js';
import { silentLogger } from './engine-test-helpers.js';

class FakeBinding implements TensorRtBinding {
  readonly inferCalls: NativeInput[][] = [];
  destroyed = 0;
  failNextInfer = false;

  version() {
    return '10.0.0-fake';
  }
  deviceCount() {
    return 1;
  }
  deviceInfo() {
    return { computeCapability: '8.6', fastFp16: true };
  }
  async buildPlan(): Promise<never> {
    throw new Error('the fake binding builds no plans');
  }
  async loadEngine(plan: Uint8Array): Promise<NativeEngine> {
    let tensors: NativeIoTensor[];
    try {
      tensors = JSON.parse(Buffer.from(plan).toString('utf8')) as NativeIoTensor[];
    } catch {
      throw new Error('Serialization assertion failed: magic tag mismatch');
    }
    return {
      ioTensors: () => tensors,
      infer: async (inputs) => {
        this.inferCalls.push(inputs);
        if (this.failNextInfer) {
          this.failNextInfer = false;
          throw new Error('enqueueV3 failed');
        }
        const x = inputs[0];
        const values = Float32Array.from(x.data as Float32Array, (value) => value * 2);
        return [{ name: 'y', shape: x.shape, data: values.buffer }];
      },
      destroy: () => {
        this.destroyed += 1;
      },
    };
  }
}

const DYNAMIC_PLAN: NativeIoTensor[] = [
  { name: 'x', mode: 'input', dtype: 'float32', shape: [-1, 3], maxShape: [4, 3], profiles: [{ min: [1, 3], opt: [2, 3], max: [4, 3] }] },
  { name: 'y', mode: 'output', dtype: 'float32', shape: [-1, 3] },
];

const row = (...values: number[]) => ({ x: { dtype: 'float32' as const, shape: [1, values.length], data: Float32Array.from(values) } });

describe('tensorrt engine (TypeScript side, fake binding)', () => {
  let dir: string;
  let planPath: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tensorrt-'));
    planPath = join(dir, 'model.plan');
    writeFileSync(planPath, JSON.stringify(DYNAMIC_PLAN));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('probes available with CUDA devices when the binding loads', async () => {
    const engine = createTensorRtEngine({ config: {}, logger: silentLogger }, new FakeBinding());
    expect(await engine.probe()).toEqual({ available: true, backend: 'tensorrt-10.0.0-fake', devices: ['cuda:0'] });
    expect(engine.version).toBe('10.0.0-fake');
  });

  it('validates a plan: signature from the I/O tensors, one dummy run at the profile optimum, then destroyed', async () => {
    const binding = new FakeBinding();
    const engine = createTensorRtEngine({ config: {}, logger: silentLogger }, binding);
    const result = await engine.validate({ format: 'tensorrt-plan', path: planPath });
    expect(result).toEqual({
      ok: true,
      signature: { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 3] }], outputs: [{ name: 'y', dtype: 'float32', shape: [-1, 3] }] },
      warnings: [],
    });
    expect(binding.inferCalls).toHaveLength(1);
    expect(binding.inferCalls[0][0].shape).toEqual([2, 3]);
    expect(binding.destroyed).toBe(1);
  });

  it('reports a plan TensorRT cannot deserialise, and an empty file, as MODEL_UNREADABLE', async () => {
    const engine = createTensorRtEngine({ config: {}, logger: silentLogger }, new FakeBinding());
    const garbage = join(dir, 'garbage.plan');
    writeFileSync(garbage, 'not a plan');
    expect(await engine.validate({ format: 'tensorrt-plan', path: garbage })).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE', message: expect.stringContaining('magic tag') } });
    const empty = join(dir, 'empty.plan');
    writeFileSync(empty, '');
    expect(await engine.validate({ format: 'tensorrt-plan', path: empty })).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE' } });
  });

  it('batches requests up to the optimisation profile maximum and splits outputs back', async () => {
    const binding = new FakeBinding();
    const engine = createTensorRtEngine({ config: {}, logger: silentLogger }, binding);
    const model = await engine.load({ format: 'tensorrt-plan', path: planPath }, { maxBatchSize: 16 });
    expect(model.maxBatchSize).toBe(4); // kMAX of profile 0 wins over the requested 16
    const results = await model.execute([row(1, 2, 3), row(4, 5, 6), row(7, 8), row(0, 0, 1), row(1, 1, 1), row(2, 2, 2)]);
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(results[0]).toEqual({ ok: true, outputs: { y: { dtype: 'float32', shape: [1, 3], data: Float32Array.from([2, 4, 6]) } } });
    expect(results[5]).toEqual({ ok: true, outputs: { y: { dtype: 'float32', shape: [1, 3], data: Float32Array.from([4, 4, 4]) } } });
    // Five valid rows with a limit of four: two enqueues.
    expect(binding.inferCalls.map((call) => call[0].shape[0])).toEqual([4, 1]);
    await model.dispose();
    await model.dispose();
    expect(binding.destroyed).toBe(1);
    expect(await model.execute([row(1, 2, 3)])).toMatchObject([{ ok: false, error: { code: 'MODEL_DISPOSED' } }]);
  });

  it('a failing enqueue becomes per-request errors, and the model keeps working', async () => {
    const binding = new FakeBinding();
    const model = await createTensorRtEngine({ config: {}, logger: silentLogger }, binding).load({ format: 'tensorrt-plan', path: planPath }, {});
    binding.failNextInfer = true;
    const [failed] = await model.execute([row(1, 2, 3)]);
    expect(failed).toMatchObject({ ok: false, error: { code: 'EXECUTION_FAILED', message: 'enqueueV3 failed' } });
    const [ok] = await model.execute([row(1, 2, 3)]);
    expect(ok.ok).toBe(true);
    await model.dispose();
  });

  it('refuses plans with a dtype it cannot marshal and frees the engine', async () => {
    const binding = new FakeBinding();
    const path = join(dir, 'odd.plan');
    writeFileSync(path, JSON.stringify([{ name: 'x', mode: 'input', dtype: 'fp8', shape: [1, 3] }]));
    const result = await createTensorRtEngine({ config: {}, logger: silentLogger }, binding).validate({ format: 'tensorrt-plan', path });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_MODEL' } });
    expect(binding.destroyed).toBe(1);
  });

  it('without the addon: probe says why, validate answers ENGINE_UNAVAILABLE, load throws it', async () => {
    const engine = createTensorRtEngine({ config: { bindingPath: join(dir, 'missing.node') }, logger: silentLogger });
    const probe = await engine.probe();
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain(`TensorRT addon not found at ${join(dir, 'missing.node')}`);
    expect(probe.reason).toContain('npm run build:tensorrt');
    expect(await engine.validate({ format: 'tensorrt-plan', path: planPath })).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    await expect(engine.load({ format: 'tensorrt-plan', path: planPath }, {})).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
  });

  it('validate gives up on a plan that does not load within validateTimeoutMs, and frees it when it arrives', async () => {
    const binding = new FakeBinding();
    let arrive!: (engine: NativeEngine) => void;
    binding.loadEngine = () => new Promise<NativeEngine>((resolve) => (arrive = resolve));
    const engine = createTensorRtEngine({ config: { validateTimeoutMs: 20 }, logger: silentLogger }, binding);
    expect(await engine.validate({ format: 'tensorrt-plan', path: planPath })).toMatchObject({ ok: false, error: { code: 'TIMEOUT', message: expect.stringContaining('20 ms') } });
    let destroyed = 0;
    arrive({ ioTensors: () => DYNAMIC_PLAN, infer: async () => [], destroy: () => (destroyed += 1) });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(destroyed).toBe(1);
  });

  it('binding.ts declares what the addon reports and accepts (type-checked)', () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'tensorrt-types-'));
    try {
      const file = join(dir2, 'check.ts');
      const binding = fileURLToPath(new URL('../../engines/tensorrt/binding.js', import.meta.url));
      writeFileSync(
        file,
        [
          `import type { NativeDType, NativeInput } from ${JSON.stringify(binding)};`,
          `export const reported: NativeDType[] = ['bfloat16', 'fp8', 'unsupported'];`,
          `export const typed: NativeInput = { name: 'x', shape: [1], data: new Float32Array(1) };`,
          `export const view: NativeInput = { name: 'x', shape: [1], data: new DataView(new ArrayBuffer(4)) };`,
        ].join('\n'),
      );
      const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [], skipLibCheck: true });
      const errors = ts.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.file?.fileName === file);
      const lines = errors.map((diagnostic) => diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1);
      // Only the DataView line is refused: the addon rejects a DataView, and reports the other dtypes.
      expect(lines).toEqual([4]);
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('the loader never throws: a file that is not an addon yields ok:false with a reason', () => {
    const bogus = join(dir, 'bogus.node');
    writeFileSync(bogus, 'not an ELF file');
    const result = loadTensorRtBinding(bogus);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(/failed to load/);
      expect(result.help).toMatch(/TENSORRT_ROOT/);
    }
    expect(loadTensorRtBinding().ok).toBe(false); // not built on this machine
  });
});
