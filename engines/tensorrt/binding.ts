/**
 * The one place that loads the TensorRT addon (native/, built only by `npm run build:tensorrt`).
 * It never throws: a host without the addon, TensorRT or CUDA gets { ok: false, reason, help }.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** dtype names the addon uses for nvinfer1::DataType. */
export type NativeDType = 'float32' | 'float16' | 'int8' | 'int32' | 'int64' | 'uint8' | 'bool';

export interface NativeIoTensor {
  name: string;
  mode: 'input' | 'output';
  dtype: NativeDType;
  /** From getTensorShape: -1 marks a dynamic dimension. */
  shape: number[];
  /** Inputs only: the optimisation profile 0 maximum (kMAX), when the engine has dynamic shapes. */
  maxShape?: number[];
}

export interface NativeInput {
  name: string;
  shape: number[];
  data: ArrayBufferView;
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
  /** setInputShape + setTensorAddress + enqueueV3 in a Napi::AsyncWorker; copies outputs back. */
  infer(inputs: NativeInput[]): Promise<NativeOutput[]>;
  destroy(): void;
}

/** What modelport_tensorrt.node exports. */
export interface TensorRtBinding {
  /** TensorRT library version, e.g. "10.3.0". */
  version(): string;
  deviceCount(): number;
  /** IRuntime::deserializeCudaEngine on the given CUDA device; throws on a bad plan. */
  loadEngine(plan: Uint8Array, device: number): NativeEngine;
}

export type BindingLoadResult = { ok: true; binding: TensorRtBinding; path: string } | { ok: false; reason: string; help: string };

const BUILD_HELP =
  'Install TensorRT 10 and CUDA, set TENSORRT_ROOT and CUDA_HOME, run `npm run build:tensorrt`, or point TENSORRT_BINDING at a built modelport_tensorrt.node';

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
    const reason = /libnvinfer|libcud/.test(message) ? `TensorRT/CUDA libraries not found: ${message}` : `TensorRT addon failed to load: ${message}`;
    return { ok: false, reason, help: BUILD_HELP };
  }
}
