/**
 * The one place that loads the TensorRT addon (native/, built only by `npm run build:tensorrt`).
 * It never throws: a host without the addon, TensorRT or CUDA gets { ok: false, reason, help }.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** dtype names the addon uses for nvinfer1::DataType (DTypeName in native/src/modelport_tensorrt.cc). */
export const NATIVE_DTYPES = ['float32', 'float16', 'int8', 'int32', 'int64', 'uint8', 'bool', 'bfloat16', 'fp8', 'unsupported'] as const;
export type NativeDType = (typeof NATIVE_DTYPES)[number];

/** One optimisation profile's bounds for an input (getProfileShape kMIN / kOPT / kMAX). */
export interface NativeProfileShapes {
  min: number[];
  opt: number[];
  max: number[];
}

export interface NativeIoTensor {
  name: string;
  mode: 'input' | 'output';
  dtype: NativeDType;
  /** From getTensorShape: -1 marks a dynamic dimension. */
  shape: number[];
  /** Inputs only: "host" for shape tensors read on the host (refused by infer). */
  location?: 'device' | 'host';
  /** Inputs only: min/opt/max of every optimisation profile (runs use profile 0). */
  profiles?: NativeProfileShapes[];
  /** Inputs only: profile 0's maximum (kMAX), when the engine has profiles. */
  maxShape?: number[];
}

/**
 * The typed arrays the addon accepts, by dtype: float32 Float32Array, float16/bfloat16 Uint16Array,
 * int8 Int8Array, int32 Int32Array, int64 BigInt64Array, uint8/bool/fp8 Uint8Array (or
 * Uint8ClampedArray). A DataView or a plain ArrayBuffer is refused.
 */
export type NativeTensorData = Float32Array | Uint16Array | Int8Array | Int32Array | BigInt64Array | Uint8Array | Uint8ClampedArray;

export interface NativeInput {
  name: string;
  shape: number[];
  data: NativeTensorData;
}

export interface NativeOutput {
  name: string;
  shape: number[];
  /** Raw bytes in the tensor's dtype. */
  data: ArrayBuffer;
}

/** A deserialised ICudaEngine with one execution context and stream. */
export interface NativeEngine {
  ioTensors(): NativeIoTensor[];
  /**
   * Checks every input (names, rank, dtype, byte length), then setInputShape + setTensorAddress +
   * enqueueV3 in a Napi::AsyncWorker; copies outputs back. One call at a time.
   */
  infer(inputs: NativeInput[]): Promise<NativeOutput[]>;
  /** Frees the engine now, or when the running infer has finished. */
  destroy(): void;
}

/** Options of buildPlan; every field is optional. */
export interface NativeBuildOptions {
  device?: number;
  /** FP16 kernels where the GPU has fast FP16 (TensorRT 10; TensorRT 11 follows the model's types). */
  fp16?: boolean;
  workspaceBytes?: number;
  /** IBuilderConfig::setBuilderOptimizationLevel, 0-5. */
  optimizationLevel?: number;
  /** Profile maximum of dynamic batch dimensions (minimum and optimum 1; default 8). */
  maxBatchSize?: number;
  /** Profile bounds of other dynamic dimensions (defaults 32 / 224 / 1024). */
  dynamicMin?: number;
  dynamicOpt?: number;
  dynamicMax?: number;
  /** Explicit profile per input, overriding the rules above. */
  shapes?: Record<string, NativeProfileShapes>;
}

export interface NativeBuildProgress {
  phase: string;
  parent?: string;
  step: number;
  steps: number;
  finished: boolean;
}

export interface NativeBuildResult {
  plan: ArrayBuffer;
  /** The builder's log (info and above). */
  log: string[];
  /** Whether FP16 kernels were enabled. */
  fp16: boolean;
}

/** What modelport_tensorrt.node exports. */
export interface TensorRtBinding {
  /** TensorRT library version, e.g. "10.16.0". */
  version(): string;
  deviceCount(): number;
  /** The device's compute capability ("8.6") and whether it has fast FP16. */
  deviceInfo(device: number): { computeCapability: string; fastFp16: boolean };
  /** IRuntime::deserializeCudaEngine on the given CUDA device, off the JS thread; rejects on a bad plan. */
  loadEngine(plan: Uint8Array, device: number): Promise<NativeEngine>;
  /** ONNX parser + builder off the JS thread; progress events arrive on the JS thread. */
  buildPlan(onnx: Uint8Array, options: NativeBuildOptions, onProgress?: (event: NativeBuildProgress) => void): Promise<NativeBuildResult>;
}

export type BindingLoadResult = { ok: true; binding: TensorRtBinding; path: string } | { ok: false; reason: string; help: string };

const BUILD_HELP =
  'Install TensorRT 10 or 11 and CUDA, set TENSORRT_ROOT and CUDA_HOME, run `npm run build:tensorrt`, or point TENSORRT_BINDING at a built modelport_tensorrt.node';

/**
 * Where `npm run build:tensorrt` puts the addon: beside this file when running from source, or
 * back in the source tree when running from dist/engines/tensorrt.
 */
export function defaultBindingPath(): string {
  const candidates = [
    new URL('./native/build/Release/modelport_tensorrt.node', import.meta.url),
    new URL('../../../engines/tensorrt/native/build/Release/modelport_tensorrt.node', import.meta.url),
  ].map((url) => fileURLToPath(url));
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

export function loadTensorRtBinding(explicitPath?: string): BindingLoadResult {
  const path = explicitPath && explicitPath.length > 0 ? explicitPath : defaultBindingPath();
  if (!existsSync(path)) {
    const reason = explicitPath ? `TensorRT addon not found at ${path}` : 'TensorRT addon not built (engines/tensorrt/native/build/Release/modelport_tensorrt.node is missing)';
    return { ok: false, reason, help: BUILD_HELP };
  }
  try {
    const binding = createRequire(import.meta.url)(path) as TensorRtBinding;
    return { ok: true, binding, path };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    const reason = /libnv|libcud/.test(message) ? `TensorRT/CUDA libraries not found: ${message}` : `TensorRT addon failed to load: ${message}`;
    return { ok: false, reason, help: BUILD_HELP };
  }
}
