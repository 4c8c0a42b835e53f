/**
 * TensorRT engine for serialised engine plans (.plan / .engine). The native side is a small
 * N-API addon (native/); this file marshals tensors, batches requests and owns the lifecycle.
 * The binding can be injected, so the TypeScript side is tested without a GPU.
 */
import { readFile } from 'node:fs/promises';
import {
  ENGINE_API_VERSION,
  EngineError,
  tryDummyRun,
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
import { loadTensorRtBinding, type BindingLoadResult, type NativeEngine, type NativeIoTensor, type TensorRtBinding } from './binding.js';

const DEFAULT_MAX_BATCH = 32;

const VIEW_FOR: Record<string, (buffer: ArrayBuffer) => TensorData> = {
  float32: (buffer) => new Float32Array(buffer),
  float16: (buffer) => new Uint16Array(buffer),
  int8: (buffer) => new Int8Array(buffer),
  int32: (buffer) => new Int32Array(buffer),
  int64: (buffer) => new BigInt64Array(buffer),
  uint8: (buffer) => new Uint8Array(buffer),
  bool: (buffer) => new Uint8Array(buffer),
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

class TensorRtModel implements LoadedModel {
  private disposed = false;

  constructor(
    private readonly native: NativeEngine,
    readonly signature: ModelSignature,
    readonly maxBatchSize: number,
  ) {}

  execute(requests: NamedTensors[]) {
    if (this.disposed) return Promise.resolve(requests.map(() => ({ ok: false as const, error: { code: 'MODEL_DISPOSED', message: 'the model was unloaded' } })));
    return executeBatched(requests, { signature: this.signature, capacity: this.maxBatchSize, run: (inputs) => this.run(inputs) });
  }

  async run(inputs: NamedTensors): Promise<NamedTensors> {
    const produced = await this.native.infer(
      this.signature.inputs.map((spec) => ({ name: spec.name, shape: inputs[spec.name].shape, data: inputs[spec.name].data as ArrayBufferView })),
    );
    const outputs: NamedTensors = {};
    for (const output of produced) {
      const dtype = this.signature.outputs.find((spec) => spec.name === output.name)?.dtype ?? 'float32';
      const view = VIEW_FOR[dtype];
      if (!view) throw new EngineError('UNSUPPORTED_MODEL', `output ${output.name} has unsupported dtype ${dtype}`);
      outputs[output.name] = { dtype, shape: output.shape, data: view(output.data) } satisfies Tensor;
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
  readonly formats = ['tensorrt-plan'] as const;

  constructor(
    private readonly context: EngineContext,
    private readonly loaded: BindingLoadResult,
  ) {}

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

  async validate(artifact: ModelArtifact): Promise<ValidationResult> {
    const warnings: string[] = [];
    if (!this.loaded.ok) return { ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: this.loaded.reason }, warnings };
    let model: TensorRtModel;
    try {
      model = await this.open(this.loaded.binding, artifact, {});
    } catch (error) {
      const code = error instanceof EngineError ? error.code : 'MODEL_UNREADABLE';
      return { ok: false, error: { code, message: (error as Error).message }, warnings };
    }
    try {
      const failure = await tryDummyRun(model.signature, (inputs) => model.run(inputs));
      if (failure) return { ok: false, error: { code: 'DUMMY_RUN_FAILED', message: `a test run on zero inputs failed: ${failure.message}` }, warnings };
      return { ok: true, signature: model.signature, warnings };
    } finally {
      await model.dispose();
    }
  }

  async load(artifact: ModelArtifact, options: LoadOptions): Promise<LoadedModel> {
    if (!this.loaded.ok) throw new EngineError('ENGINE_UNAVAILABLE', this.loaded.reason);
    return this.open(this.loaded.binding, artifact, options);
  }

  private async open(binding: TensorRtBinding, artifact: ModelArtifact, options: LoadOptions): Promise<TensorRtModel> {
    let plan: Buffer;
    try {
      plan = await readFile(artifact.path);
    } catch {
      throw new EngineError('MODEL_UNREADABLE', 'the engine plan file does not exist');
    }
    if (plan.byteLength === 0) throw new EngineError('MODEL_UNREADABLE', 'the engine plan file is empty');
    const device = options.device?.startsWith('cuda:') ? Number.parseInt(options.device.slice(5), 10) || 0 : 0;
    let native: NativeEngine;
    try {
      native = binding.loadEngine(plan, device);
    } catch (error) {
      throw new EngineError('MODEL_UNREADABLE', `TensorRT could not deserialise the plan: ${(error as Error).message}`);
    }
    try {
      const tensors = native.ioTensors();
      const unsupported = tensors.find((tensor) => !VIEW_FOR[tensor.dtype]);
      if (unsupported) throw new EngineError('UNSUPPORTED_MODEL', `tensor ${unsupported.name} has unsupported dtype ${unsupported.dtype}`);
      this.context.logger.debug('loaded TensorRT plan', { path: artifact.path, device });
      return new TensorRtModel(native, signatureOf(tensors), capacityOf(tensors, options.maxBatchSize ?? DEFAULT_MAX_BATCH));
    } catch (error) {
      native.destroy();
      throw error;
    }
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
