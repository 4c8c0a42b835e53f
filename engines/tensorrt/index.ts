/**
 * TensorRT engine for serialised engine plans (.plan / .engine) and for ONNX models, which it
 * builds into a plan on this host (cached beside the artifact). The native side is a small N-API
 * addon (native/); this file marshals tensors, batches requests and owns the lifecycle. The binding
 * can be injected, so the TypeScript side is tested without a GPU.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import pTimeout, { TimeoutError } from 'p-timeout';
import {
  ENGINE_API_VERSION,
  EngineError,
  executeBatched,
  type DType,
  type Engine,
  type EngineContext,
  type EngineFactory,
  type LoadOptions,
  type LoadedModel,
  type ModelArtifact,
  type ModelSignature,
  type NamedTensors,
  type ProbeResult,
  type Tensor,
  type TensorData,
  type ValidationResult,
} from '../sdk/index.js';
import { loadTensorRtBinding, type BindingLoadResult, type NativeBuildOptions, type NativeEngine, type NativeIoTensor, type NativeTensorData, type TensorRtBinding } from './binding.js';

const DEFAULT_MAX_BATCH = 32;
const DEFAULT_VALIDATE_TIMEOUT_MS = 120_000;

/** The typed array that carries each dtype this engine marshals (float16 as raw Uint16). */
const ARRAY_FOR: Record<string, { new (buffer: ArrayBuffer): TensorData; new (length: number): TensorData }> = {
  float32: Float32Array,
  float16: Uint16Array,
  int8: Int8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

function signatureOf(tensors: NativeIoTensor[]): ModelSignature {
  const spec = (tensor: NativeIoTensor) => ({ name: tensor.name, dtype: tensor.dtype as DType, shape: tensor.shape.map((dim) => (dim < 0 ? -1 : dim)) });
  return { inputs: tensors.filter((t) => t.mode === 'input').map(spec), outputs: tensors.filter((t) => t.mode === 'output').map(spec) };
}

/** Rows per run: the profile's kMAX batch when the batch is dynamic, 1 when fixed at 1. */
function capacityOf(tensors: NativeIoTensor[], requested: number): number {
  const inputs = tensors.filter((t) => t.mode === 'input');
  if (inputs.length === 0 || inputs.some((t) => t.shape.length === 0)) return 0;
  if (inputs.every((t) => t.shape[0] === 1)) return 1;
  if (!inputs.every((t) => t.shape[0] < 0)) return 0;
  const profileMax = Math.min(...inputs.map((t) => t.maxShape?.[0] ?? requested));
  return Math.max(1, Math.min(requested, profileMax));
}

/** Zero inputs at profile 0's optimum shape (fixed dimensions as they are; no profile: 1). */
export function dummyInputsAtOpt(tensors: NativeIoTensor[]): NamedTensors {
  const inputs: NamedTensors = {};
  for (const tensor of tensors.filter((t) => t.mode === 'input')) {
    const opt = tensor.profiles?.[0]?.opt;
    const shape = tensor.shape.map((dim, index) => (dim >= 0 ? dim : (opt?.[index] ?? 1)));
    const length = shape.reduce((a, b) => a * b, 1);
    inputs[tensor.name] = { dtype: tensor.dtype as DType, shape, data: new ARRAY_FOR[tensor.dtype](length) };
  }
  return inputs;
}

/** The engines.tensorrt.builder section of the configuration, as addon options. */
function builderOptions(config: Record<string, unknown>, device: number): NativeBuildOptions {
  const builder = (typeof config.builder === 'object' && config.builder !== null ? config.builder : {}) as Record<string, unknown>;
  const number = (key: string) => (typeof builder[key] === 'number' && Number.isFinite(builder[key]) ? (builder[key] as number) : undefined);
  const workspaceMiB = number('workspaceMiB');
  const options: NativeBuildOptions = {
    device,
    fp16: builder.fp16 !== false,
    workspaceBytes: workspaceMiB !== undefined && workspaceMiB > 0 ? workspaceMiB * 1024 * 1024 : undefined,
    optimizationLevel: number('optimizationLevel'),
    maxBatchSize: number('maxBatchSize'),
    dynamicMin: number('dynamicMin'),
    dynamicOpt: number('dynamicOpt'),
    dynamicMax: number('dynamicMax'),
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as NativeBuildOptions;
}

class TensorRtModel implements LoadedModel {
  private disposed = false;

  constructor(
    private readonly native: NativeEngine,
    readonly signature: ModelSignature,
    readonly maxBatchSize: number,
    readonly tensors: NativeIoTensor[],
  ) {}

  execute(requests: NamedTensors[]) {
    if (this.disposed) return Promise.resolve(requests.map(() => ({ ok: false as const, error: { code: 'MODEL_DISPOSED', message: 'the model was unloaded' } })));
    return executeBatched(requests, { signature: this.signature, capacity: this.maxBatchSize, run: (inputs) => this.run(inputs) });
  }

  async run(inputs: NamedTensors): Promise<NamedTensors> {
    const produced = await this.native.infer(
      this.signature.inputs.map((spec) => ({ name: spec.name, shape: inputs[spec.name].shape, data: inputs[spec.name].data as NativeTensorData })),
    );
    const outputs: NamedTensors = {};
    for (const output of produced) {
      const dtype = this.signature.outputs.find((spec) => spec.name === output.name)?.dtype ?? 'float32';
      const ArrayType = ARRAY_FOR[dtype];
      if (!ArrayType) throw new EngineError('UNSUPPORTED_MODEL', `output ${output.name} has unsupported dtype ${dtype}`);
      outputs[output.name] = { dtype, shape: output.shape, data: new ArrayType(output.data) } satisfies Tensor;
    }
    return outputs;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.native.destroy();
  }
}

export class TensorRtEngine implements Engine {
  readonly name = 'tensorrt';
  readonly apiVersion = ENGINE_API_VERSION;
  readonly formats = ['tensorrt-plan', 'onnx'] as const;
  private readonly validateTimeoutMs: number;
  /** Plan builds in flight, by cache path: a second caller waits for the first build. */
  private readonly building = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly context: EngineContext,
    private readonly loaded: BindingLoadResult,
  ) {
    const configured = Number(context.config.validateTimeoutMs);
    this.validateTimeoutMs = Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_VALIDATE_TIMEOUT_MS;
  }

  get version(): string {
    if (!this.loaded.ok) return 'unavailable';
    try {
      return this.loaded.binding.version();
    } catch {
      return 'unknown';
    }
  }

  async probe(): Promise<ProbeResult> {
    if (!this.loaded.ok) return { available: false, reason: `${this.loaded.reason}. ${this.loaded.help}`, devices: [] };
    const count = this.loaded.binding.deviceCount();
    if (count < 1) return { available: false, reason: 'no CUDA device found', devices: [] };
    return { available: true, backend: `tensorrt-${this.version}`, devices: Array.from({ length: count }, (_, index) => `cuda:${index}`) };
  }

  /** Load (building the plan first for ONNX), one run at profile 0's optimum shape, free; with a timeout. */
  async validate(artifact: ModelArtifact): Promise<ValidationResult> {
    const warnings: string[] = [];
    if (!this.loaded.ok) return { ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: this.loaded.reason }, warnings };
    const opening = this.open(this.loaded.binding, artifact, {});
    let model: TensorRtModel;
    try {
      model = await pTimeout(opening, { milliseconds: this.validateTimeoutMs });
    } catch (error) {
      if (error instanceof TimeoutError) {
        // The native load cannot be cancelled: free the engine whenever it arrives.
        opening.then((late) => late.dispose(), () => undefined);
        return { ok: false, error: { code: 'TIMEOUT', message: `loading the plan did not finish within ${this.validateTimeoutMs} ms` }, warnings };
      }
      const code = error instanceof EngineError ? error.code : 'MODEL_UNREADABLE';
      return { ok: false, error: { code, message: (error as Error).message }, warnings };
    }
    try {
      await pTimeout(model.run(dummyInputsAtOpt(model.tensors)), { milliseconds: this.validateTimeoutMs });
      return { ok: true, signature: model.signature, warnings };
    } catch (error) {
      const message = error instanceof TimeoutError ? `did not finish within ${this.validateTimeoutMs} ms` : (error as Error).message;
      return { ok: false, error: { code: 'DUMMY_RUN_FAILED', message: `a test run at the optimisation profile's optimum shape failed: ${message}` }, warnings };
    } finally {
      await model.dispose();
    }
  }

  async load(artifact: ModelArtifact, options: LoadOptions): Promise<LoadedModel> {
    if (!this.loaded.ok) throw new EngineError('ENGINE_UNAVAILABLE', this.loaded.reason);
    return this.open(this.loaded.binding, artifact, options);
  }

  private async open(binding: TensorRtBinding, artifact: ModelArtifact, options: LoadOptions): Promise<TensorRtModel> {
    let bytes: Buffer;
    try {
      bytes = await readFile(artifact.path);
    } catch {
      throw new EngineError('MODEL_UNREADABLE', `the ${artifact.format === 'onnx' ? 'ONNX model' : 'engine plan'} file does not exist`);
    }
    if (bytes.byteLength === 0) throw new EngineError('MODEL_UNREADABLE', `the ${artifact.format === 'onnx' ? 'ONNX model' : 'engine plan'} file is empty`);
    const device = options.device?.startsWith('cuda:') ? Number.parseInt(options.device.slice(5), 10) || 0 : 0;
    const plan = artifact.format === 'onnx' ? await this.planFor(binding, artifact.path, bytes, device) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let native: NativeEngine;
    try {
      native = await binding.loadEngine(plan, device);
    } catch (error) {
      throw new EngineError('MODEL_UNREADABLE', `TensorRT could not deserialise the plan: ${(error as Error).message}`);
    }
    try {
      const tensors = native.ioTensors();
      const unsupported = tensors.find((tensor) => !ARRAY_FOR[tensor.dtype]);
      if (unsupported) throw new EngineError('UNSUPPORTED_MODEL', `tensor ${unsupported.name} has unsupported dtype ${unsupported.dtype}`);
      const hostInput = tensors.find((tensor) => tensor.mode === 'input' && tensor.location === 'host');
      if (hostInput) throw new EngineError('UNSUPPORTED_MODEL', `input ${hostInput.name} is a shape tensor read on the host, which this engine does not support`);
      this.context.logger.debug('loaded TensorRT plan', { path: artifact.path, device });
      return new TensorRtModel(native, signatureOf(tensors), capacityOf(tensors, options.maxBatchSize ?? DEFAULT_MAX_BATCH), tensors);
    } catch (error) {
      native.destroy();
      throw error;
    }
  }

  /**
   * The plan for an ONNX artifact: `<artifact>.<sha256>-trt<version>-sm<capability>-o<options>.plan` beside it
   * when present (a restart or a replica on the same GPU reuses it), else built now and cached.
   */
  private async planFor(binding: TensorRtBinding, path: string, onnx: Buffer, device: number): Promise<Uint8Array> {
    let capability: string;
    try {
      capability = binding.deviceInfo(device).computeCapability;
    } catch (error) {
      throw new EngineError('ENGINE_UNAVAILABLE', `cannot read CUDA device ${device}: ${(error as Error).message}`);
    }
    const sha256 = createHash('sha256').update(onnx).digest('hex');
    const options = builderOptions(this.context.config, device);
    // Builder options are part of the key too, so changing them rebuilds instead of reusing a stale plan.
    const optionsKey = createHash('sha256').update(JSON.stringify({ ...options, device: undefined })).digest('hex').slice(0, 8);
    const cachePath = `${path}.${sha256.slice(0, 32)}-trt${this.version}-sm${capability.replace('.', '')}-o${optionsKey}.plan`;
    try {
      const cached = await readFile(cachePath);
      if (cached.byteLength > 0) {
        this.context.logger.info('reusing cached TensorRT plan', { path: cachePath });
        return new Uint8Array(cached.buffer, cached.byteOffset, cached.byteLength);
      }
    } catch {
      // not built yet
    }
    const inFlight = this.building.get(cachePath);
    if (inFlight) return inFlight;
    const build = this.buildPlan(binding, onnx, options, cachePath).finally(() => this.building.delete(cachePath));
    this.building.set(cachePath, build);
    return build;
  }

  private async buildPlan(binding: TensorRtBinding, onnx: Buffer, options: NativeBuildOptions, cachePath: string): Promise<Uint8Array> {
    this.context.logger.info('building TensorRT plan from ONNX', { path: cachePath, options });
    let result;
    try {
      result = await binding.buildPlan(new Uint8Array(onnx.buffer, onnx.byteOffset, onnx.byteLength), options, (event) =>
        this.context.logger.info('TensorRT build progress', { path: cachePath, ...event }),
      );
    } catch (error) {
      throw new EngineError('MODEL_UNREADABLE', `TensorRT could not build a plan from the ONNX model: ${(error as Error).message}`);
    }
    for (const line of result.log) this.context.logger.debug('TensorRT builder', { line });
    const plan = new Uint8Array(result.plan);
    const temporary = `${cachePath}.${process.pid}.tmp`;
    await writeFile(temporary, plan);
    await rename(temporary, cachePath);
    this.context.logger.info('built TensorRT plan', { path: cachePath, bytes: plan.byteLength, fp16: result.fp16 });
    return plan;
  }
}

/** For tests and embedders: an engine around an explicit binding (or load result). */
export function createTensorRtEngine(context: EngineContext, binding?: TensorRtBinding | BindingLoadResult): TensorRtEngine {
  const loaded: BindingLoadResult =
    binding === undefined
      ? loadTensorRtBinding(typeof context.config.bindingPath === 'string' ? context.config.bindingPath : undefined)
      : 'ok' in binding
        ? binding
        : { ok: true, binding, path: '(injected)' };
  return new TensorRtEngine(context, loaded);
}

export const createEngine: EngineFactory = (context) => createTensorRtEngine(context);
