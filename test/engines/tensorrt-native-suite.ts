/**
 * The TensorRT addon's N-API glue, run for real (one spec file per TensorRT header version, since
 * each build's fake libraries must live in their own process): the addon is compiled and linked by node-gyp
 * against FAKES of libnvinfer, libnvinfer_plugin, libnvonnxparser and libcudart (see
 * tensorrt-native-harness.ts and engines/tensorrt/native/test/), then loaded through binding.ts by
 * explicit path. The fake CUDA runtime counts what a GPU would not show (work still queued when
 * memory is freed, releases under the wrong device, leaks), so each defect fix has an outcome to assert.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineLogger } from '../../engines/sdk/index.js';
import { loadTensorRtBinding, NATIVE_DTYPES, type NativeEngine, type TensorRtBinding } from '../../engines/tensorrt/binding.js';
import { createTensorRtEngine } from '../../engines/tensorrt/index.js';
import { buildAgainstFakes, nativePrerequisites, type FakeBuild } from './tensorrt-native-harness.js';

const text = (value: string) => new Uint8Array(Buffer.from(value, 'utf8'));
/** y = 2x, dynamic batch, profile 0: batch 1..4, optimum 2. */
const planText = (label: string, extra = '') => `FAKEPLAN ${label}\ninput x float32 -1,3\nprofile 0 x 1,3 2,3 4,3\noutput y float32 -1,3\n${extra}`;
const rows = (count: number, start = 1) => Float32Array.from({ length: count * 3 }, (_, index) => start + index);

export function describeNativeGlue(version: string): void {
  const prerequisites = nativePrerequisites(version);
  if (!prerequisites.ok) console.log(`tensorrt native glue tests skipped: ${prerequisites.reason}`);
  const major = Number.parseInt(version, 10);
  const libraryVersion = `${version}.0`;
  describe.skipIf(!prerequisites.ok)(`tensorrt addon built against TensorRT ${version} headers and fake native libraries`, () => {
    let build: FakeBuild;
    let binding: TensorRtBinding;
    let dir: string;
    const engines: NativeEngine[] = [];
    const load = async (plan: string, device = 0) => {
      const engine = await binding.loadEngine(text(plan), device);
      engines.push(engine);
      return engine;
    };

    beforeAll(async () => {
      if (!prerequisites.ok) return;
      build = await buildAgainstFakes(prerequisites);
      const loaded = loadTensorRtBinding(build.addonPath);
      if (!loaded.ok) throw new Error(loaded.reason);
      binding = loaded.binding;
      dir = mkdtempSync(join(tmpdir(), 'tensorrt-native-'));
    }, 600_000);
    beforeEach(() => build.control.reset());
    afterAll(() => {
      for (const engine of engines) engine.destroy();
      build?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('loads through binding.ts by explicit path and reports version, devices and compute capability', async () => {
      expect(binding.version()).toBe(libraryVersion);
      expect(binding.deviceCount()).toBe(1);
      expect(binding.deviceInfo(0)).toEqual({ computeCapability: '8.6', fastFp16: true });
      expect(() => binding.deviceInfo(1)).toThrow(/invalid device ordinal/);
      const engine = createTensorRtEngine({ config: { bindingPath: build.addonPath }, logger: quiet() });
      expect(await engine.probe()).toEqual({ available: true, backend: `tensorrt-${libraryVersion}`, devices: ['cuda:0'] });
    });

    it('runs a plan: inputs copied in, enqueued, outputs copied back', async () => {
      const engine = await load(planText('basic'));
      const [output] = await engine.infer([{ name: 'x', shape: [2, 3], data: rows(2) }]);
      expect(output.name).toBe('y');
      expect(output.shape).toEqual([2, 3]);
      expect(Array.from(new Float32Array(output.data))).toEqual([2, 4, 6, 8, 10, 12]);
      expect(build.control.counter('pending')).toBe(0);
    });

    it('Reserve: a failed cudaMalloc does not poison later runs of the same or a smaller size', async () => {
      const engine = await load(planText('reserve'));
      await engine.infer([{ name: 'x', shape: [1, 3], data: rows(1) }]);
      build.control.failNext('cudaMalloc');
      await expect(engine.infer([{ name: 'x', shape: [4, 3], data: rows(4) }])).rejects.toThrow(/cudaMalloc: out of memory/);
      const [again] = await engine.infer([{ name: 'x', shape: [1, 3], data: rows(1, 5) }]);
      expect(Array.from(new Float32Array(again.data))).toEqual([10, 12, 14]);
    });

    it('refuses inputs the engine cannot take, before anything reaches the device', async () => {
      const engine = await load(planText('checks'));
      const x = (data: unknown, shape = [2, 3], name = 'x') => ({ name, shape, data }) as never;
      await expect(engine.infer([x(new Float32Array(5))])).rejects.toThrow(/20 bytes of data for shape \[2,3\], expected 24/);
      await expect(engine.infer([x(new Float64Array(6))])).rejects.toThrow(/needs Float32Array, got Float64Array/);
      await expect(engine.infer([x(new DataView(new ArrayBuffer(24)))])).rejects.toThrow(/not a DataView/);
      await expect(engine.infer([])).rejects.toThrow(/missing input x/);
      await expect(engine.infer([x(rows(2)), x(rows(2))])).rejects.toThrow(/more|given twice|inputs; the engine has 1/);
      await expect(engine.infer([x(rows(2), [2, 3], 'z')])).rejects.toThrow(/unknown input z/);
      await expect(engine.infer([x(rows(2), [6])])).rejects.toThrow(/rank 1, expected 2/);
      await expect(engine.infer([x(new Float32Array(8), [2, 4])])).rejects.toThrow(/dimension 1 is 4, expected 3/);
      await expect(engine.infer([x(rows(2), [2, -3])])).rejects.toThrow(/non-negative integer/);
      await expect(engine.infer([x(new Float32Array(24), [8, 3])])).rejects.toThrow(/outside profile 0 of checks/);
      expect(build.control.counter('mallocs')).toBe(0);
      const two = await load(`FAKEPLAN twice\ninput a float32 1,3\ninput b float32 1,3\noutput y float32 1,3\n`);
      const a = { name: 'a', shape: [1, 3], data: rows(1) };
      await expect(two.infer([a, a])).rejects.toThrow(/input a given twice/);
      await expect(two.infer([a])).rejects.toThrow(/missing input b/);
      const shapeTensor = await load(`FAKEPLAN shapes\ninput x float32 -1,3\nprofile 0 x 1,3 1,3 2,3\ninput s int64 2 host\noutput y float32 -1,3\n`);
      await expect(shapeTensor.infer([{ name: 'x', shape: [1, 3], data: rows(1) }, { name: 's', shape: [2], data: new BigInt64Array(2) }])).rejects.toThrow(/s is a shape tensor read on the host/);
      // The engine still works after every refusal.
      const [ok] = await engine.infer([{ name: 'x', shape: [2, 3], data: rows(2) }]);
      expect(new Float32Array(ok.data)[5]).toBe(12);
    });

    it.each(['cudaMemcpyAsync:d2h', 'enqueueV3', 'cudaStreamSynchronize'])('drains the stream when a run fails after work was queued (%s)', async (op) => {
      const engine = await load(planText(`sync-${op}`));
      build.control.failNext(op);
      await expect(engine.infer([{ name: 'x', shape: [2, 3], data: rows(2) }])).rejects.toThrow();
      expect(build.control.counter('pending')).toBe(0);
      engine.destroy();
      expect(build.control.counter('frees_with_pending_work')).toBe(0);
    });

    it('initialises the standard plugins, so plans that use them deserialise', async () => {
      const engine = await load(planText('nms', 'plugin EfficientNMS_TRT\n'));
      expect(engine.ioTensors().map((tensor) => tensor.name)).toEqual(['x', 'y']);
    });

    it('exposes min/opt/max of every optimisation profile; validation runs at the optimum', async () => {
      const engine = await load(`FAKEPLAN profiles\ninput x float32 -1,3\nprofile 0 x 2,3 4,3 8,3\nprofile 1 x 1,3 1,3 1,3\noutput y float32 -1,3\n`);
      const [x, y] = engine.ioTensors();
      expect(x).toEqual({
        name: 'x',
        mode: 'input',
        dtype: 'float32',
        shape: [-1, 3],
        location: 'device',
        profiles: [
          { min: [2, 3], opt: [4, 3], max: [8, 3] },
          { min: [1, 3], opt: [1, 3], max: [1, 3] },
        ],
        maxShape: [8, 3],
      });
      expect(y).toEqual({ name: 'y', mode: 'output', dtype: 'float32', shape: [-1, 3] });
      // Batch 1 is outside profile 0 (min 2): a dummy run at batch 1 would wrongly fail the upload.
      const path = join(dir, 'min-two.plan');
      writeFileSync(path, `FAKEPLAN min-two\ninput x float32 -1,3\nprofile 0 x 2,3 4,3 8,3\noutput y float32 -1,3\n`);
      const result = await createTensorRtEngine({ config: { bindingPath: build.addonPath }, logger: quiet() }).validate({ format: 'tensorrt-plan', path });
      expect(result).toMatchObject({ ok: true, signature: { inputs: [{ name: 'x', shape: [-1, 3] }] } });
    });

    it('selects the engine device for loads, runs and releases, and restores the thread device', async () => {
      build.control.setDeviceCount(2);
      const allocations = build.control.counter('live_allocations');
      const onOne = await load(planText('device-1'), 1);
      const onZero = await load(planText('device-0'), 0);
      await onOne.infer([{ name: 'x', shape: [1, 3], data: rows(1) }]);
      await onZero.infer([{ name: 'x', shape: [1, 3], data: rows(1) }]);
      expect(build.control.counter('current_device')).toBe(0);
      onOne.destroy();
      onZero.destroy();
      expect(build.control.counter('wrong_device_releases')).toBe(0);
      expect(build.control.counter('live_allocations')).toBe(allocations);
      await expect(binding.loadEngine(text(planText('device-9')), 9)).rejects.toThrow(/cudaSetDevice: invalid device ordinal/);
    });

    it('each engine reports its own TensorRT error, never a stale one from another engine', async () => {
      const first = await load(planText('first'));
      const second = await load(planText('second'));
      build.control.failNext('enqueueV3');
      await expect(first.infer([{ name: 'x', shape: [1, 3], data: rows(1) }])).rejects.toThrow('enqueueV3 failed: enqueueV3: fake kernel failure in first');
      build.control.failNext('enqueueV3:silent');
      const failure = await second.infer([{ name: 'x', shape: [1, 3], data: rows(1) }]).catch((error: Error) => error);
      expect((failure as Error).message).toBe('enqueueV3 failed: no reason given');
      build.control.failNext('enqueueV3:silent');
      const again = await first.infer([{ name: 'x', shape: [1, 3], data: rows(1) }]).catch((error: Error) => error);
      expect((again as Error).message).toBe('enqueueV3 failed: no reason given');
    });

    it('loads plans off the JS thread: loadEngine returns a promise, and a bad plan rejects it', async () => {
      const pending = binding.loadEngine(text('not a plan'), 0);
      expect(pending).toBeInstanceOf(Promise);
      await expect(pending).rejects.toThrow(/magic tag does not match/i);
      await expect(binding.loadEngine('plan' as never, 0)).rejects.toThrow(TypeError);
      await expect(binding.loadEngine(new Uint8Array(0), 0)).rejects.toThrow(/empty/);
      const streams = build.control.counter('live_streams');
      build.control.failNext('createExecutionContext');
      await expect(binding.loadEngine(text(planText('context')), 0)).rejects.toThrow('createExecutionContext failed: createExecutionContext: fake failure');
      expect(build.control.counter('live_streams')).toBe(streams);
    });

    it('names every dtype the addon can report, as binding.ts declares them', async () => {
      const engine = await load(`FAKEPLAN dtypes\ninput a bfloat16 1,2\ninput b fp8 1,2\ninput c int4 1,2\noutput y float32 1,2\n`);
      const dtypes = engine.ioTensors().map((tensor) => tensor.dtype);
      expect(dtypes).toEqual(['bfloat16', 'fp8', 'unsupported', 'float32']);
      for (const dtype of dtypes) expect(NATIVE_DTYPES).toContain(dtype);
      const b16 = { name: 'a', shape: [1, 2], data: new Uint16Array(2) };
      const f8 = { name: 'b', shape: [1, 2], data: new Uint8Array(2) };
      await expect(engine.infer([b16, f8, { name: 'c', shape: [1, 2], data: new Uint8Array(1) }])).rejects.toThrow(/c has dtype unsupported/);
      const model = createTensorRtEngine({ config: { bindingPath: build.addonPath }, logger: quiet() });
      const path = join(dir, 'dtypes.plan');
      writeFileSync(path, `FAKEPLAN dtypes\ninput a bfloat16 1,2\noutput y float32 1,2\n`);
      expect(await model.validate({ format: 'tensorrt-plan', path })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_MODEL', message: 'tensor a has unsupported dtype bfloat16' } });
    });

    it('maps C++ exceptions on the JS thread to JS errors instead of terminating the process', () => {
      const hooks = binding as unknown as { throwForTest(kind: string): void };
      expect(() => hooks.throwForTest('bad_alloc')).toThrow('out of host memory');
      expect(() => hooks.throwForTest('runtime_error')).toThrow('runtime_error from the addon');
      expect(() => hooks.throwForTest('other')).toThrow('unknown native error');
    });

    it('settles the promise when building the result on the JS thread throws', async () => {
      const engine = await load(planText('settle'));
      const running = engine.infer([{ name: 'x', shape: [1, 3], data: rows(1) }]);
      Object.defineProperty(Object.prototype, 'shape', {
        configurable: true,
        set() {
          throw new Error('a setter on Object.prototype threw');
        },
      });
      try {
        await expect(running).rejects.toThrow('a setter on Object.prototype threw');
      } finally {
        delete (Object.prototype as Record<string, unknown>).shape;
      }
      const [ok] = await engine.infer([{ name: 'x', shape: [1, 3], data: rows(1) }]);
      expect(ok.shape).toEqual([1, 3]);
    });

    it('destroy() while a run is on the device frees the engine only after the run has finished', async () => {
      const engine = await load(planText('busy'));
      const streams = build.control.counter('live_streams');
      const allocations = build.control.counter('live_allocations');
      build.control.gateClose();
      const running = engine.infer([{ name: 'x', shape: [2, 3], data: rows(2) }]);
      try {
        expect(build.control.gateWaitHeld(30_000)).toBe(true);
        await expect(engine.infer([{ name: 'x', shape: [2, 3], data: rows(2) }])).rejects.toThrow('infer already running on this engine');
        engine.destroy();
        expect(build.control.counter('live_streams')).toBe(streams);
        expect(build.control.counter('live_allocations')).toBe(allocations + 2);
        await expect(engine.infer([{ name: 'x', shape: [2, 3], data: rows(2) }])).rejects.toThrow('engine destroyed');
      } finally {
        build.control.gateOpen();
      }
      const [output] = await running;
      expect(Array.from(new Float32Array(output.data))).toEqual([2, 4, 6, 8, 10, 12]);
      expect(build.control.counter('live_streams')).toBe(streams - 1);
      expect(build.control.counter('live_allocations')).toBe(allocations);
      expect(build.control.counter('frees_with_pending_work')).toBe(0);
      expect(() => engine.ioTensors()).toThrow('engine destroyed');
      engine.destroy();
    });

    describe('building plans from ONNX', () => {
      const onnx = 'FAKEONNX\ninput x float32 -1,3\noutput y float32 -1,3\n';

      it('parses and builds off the JS thread with FP16 where the GPU has it, reporting progress', async () => {
        const events: unknown[] = [];
        const result = await binding.buildPlan(text(onnx), { maxBatchSize: 16, workspaceBytes: 1 << 20, optimizationLevel: 3 }, (event) => events.push(event));
        const plan = Buffer.from(result.plan).toString('utf8');
        expect(plan).toContain('profile 0 x 1,3 1,3 16,3');
        // TensorRT 10 enables FP16 kernels (compute capability 8.6 has fast FP16); 11 is strongly typed.
        expect(plan).toContain(`# fp16 ${major < 11 ? 'on' : 'off'}, workspace 1048576, level 3`);
        expect(result.fp16).toBe(major < 11);
        if (major >= 11) expect(result.log).toContain("info: TensorRT 11 builds strongly typed networks; precision follows the ONNX model's types");
        expect(result.log).toContain('warning: fake builder: tactics were not timed (this is a fake)');
        expect(events).toEqual([
          { phase: 'Building engine', step: 0, steps: 2, finished: false },
          { phase: 'Building engine', step: 1, steps: 0, finished: false },
          { phase: 'Building engine', step: 2, steps: 0, finished: false },
          { phase: 'Building engine', step: 0, steps: 0, finished: true },
        ]);
        const off = await binding.buildPlan(text(onnx), { fp16: false, shapes: { x: { min: [1, 3], opt: [2, 3], max: [4, 3] } } });
        expect(off.fp16).toBe(false);
        expect(Buffer.from(off.plan).toString('utf8')).toContain('profile 0 x 1,3 2,3 4,3');
      });

      it('refuses bad options and reports parser and builder failures with their reason', async () => {
        await expect(binding.buildPlan(text(onnx), { fp16: 'yes' } as never)).rejects.toThrow('buildPlan: fp16 must be a boolean');
        await expect(binding.buildPlan(text(onnx), { optimizationLevel: 9 })).rejects.toThrow('buildPlan: optimizationLevel is out of range');
        await expect(binding.buildPlan(text(onnx), { shapes: { x: { min: [0, 3], opt: [1, 3], max: [1, 3] } } })).rejects.toThrow(/positive integers/);
        await expect(binding.buildPlan(new Uint8Array(0), {})).rejects.toThrow(/empty/);
        await expect(binding.buildPlan(text('\x08\x07garbage'), {})).rejects.toThrow(/the ONNX parser refused the model: .*protobuf could not be read/);
        build.control.failNext('buildSerializedNetwork');
        await expect(binding.buildPlan(text(onnx), {})).rejects.toThrow('the TensorRT builder failed: IBuilder::buildSerializedNetwork: Error Code 10: Internal Error (fake builder failure)');
      });

      it('an uploaded ONNX artifact validates through the built plan, cached by sha256, TensorRT version and compute capability', async () => {
        const modelDir = mkdtempSync(join(dir, 'onnx-'));
        const path = join(modelDir, 'model.onnx');
        writeFileSync(path, onnx);
        const logs: Array<{ message: string; fields?: Record<string, unknown> }> = [];
        const engine = createTensorRtEngine({ config: { bindingPath: build.addonPath, builder: { maxBatchSize: 8 } }, logger: quiet(logs) });
        const first = await engine.validate({ format: 'onnx', path });
        expect(first).toMatchObject({ ok: true, signature: { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 3] }], outputs: [{ name: 'y' }] } });
        const cached = readdirSync(modelDir).filter((name) => name.endsWith('.plan'));
        expect(cached).toHaveLength(1);
        expect(cached[0]).toMatch(new RegExp(`^model\\.onnx\\.[0-9a-f]{32}-trt${libraryVersion.replaceAll('.', '\\.')}-sm86-o[0-9a-f]{8}\\.plan$`));
        expect(logs.filter((entry) => entry.message === 'TensorRT build progress')).toHaveLength(4);
        const mtime = statSync(join(modelDir, cached[0])).mtimeMs;
        const model = await engine.load({ format: 'onnx', path }, { maxBatchSize: 32 });
        expect(model.maxBatchSize).toBe(8);
        const [result] = await model.execute([{ x: { dtype: 'float32', shape: [1, 3], data: rows(1) } }]);
        expect(result).toEqual({ ok: true, outputs: { y: { dtype: 'float32', shape: [1, 3], data: Float32Array.from([2, 4, 6]) } } });
        await model.dispose();
        expect(logs.filter((entry) => entry.message === 'reusing cached TensorRT plan')).toHaveLength(1);
        expect(statSync(join(modelDir, cached[0])).mtimeMs).toBe(mtime);
        // Other builder options get a new key.
        const other = createTensorRtEngine({ config: { bindingPath: build.addonPath, builder: { maxBatchSize: 4 } }, logger: quiet() });
        const smaller = await other.load({ format: 'onnx', path }, {});
        expect(smaller.maxBatchSize).toBe(4);
        await smaller.dispose();
        expect(readdirSync(modelDir).filter((name) => name.endsWith('.plan'))).toHaveLength(2);
        // A changed artifact gets a new key.
        writeFileSync(path, onnx.replace('-1,3\noutput', '-1,3\ninput z float32 1,3\noutput'));
        await engine.validate({ format: 'onnx', path }).catch(() => undefined);
        expect(readdirSync(modelDir).filter((name) => name.endsWith('.plan'))).toHaveLength(3);
      });

      it('an ONNX artifact the parser refuses is MODEL_UNREADABLE with the parser reason', async () => {
        const path = join(dir, 'bad.onnx');
        writeFileSync(path, 'not onnx');
        const engine = createTensorRtEngine({ config: { bindingPath: build.addonPath }, logger: quiet() });
        expect(await engine.validate({ format: 'onnx', path })).toMatchObject({ ok: false, error: { code: 'MODEL_UNREADABLE', message: expect.stringContaining('the ONNX parser refused the model') } });
      });
    });
  });
}

function quiet(into?: Array<{ message: string; fields?: Record<string, unknown> }>): EngineLogger {
  const record = (message: string, fields?: Record<string, unknown>) => into?.push({ message, fields });
  return { debug: record, info: record, warn: record, error: record };
}
