/**
 * The Modelport engine contract. This folder has no dependencies: engines import only this,
 * and the host (src/) reaches engines only through this file and each engine's index.
 *
 * Versioning: a host accepts an engine whose major version equals ENGINE_API_VERSION's major
 * and whose minor version is not above the host's minor.
 */
export const ENGINE_API_VERSION = '1.1';

/** Element types a tensor may carry. float16 travels as raw Uint16 bits. */
export type DType = 'float32' | 'float16' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool' | 'string';

/** A dimension: a fixed size, or -1 / a symbolic name (e.g. "batch") for a dynamic one. */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: Dim[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** A dense, row-major tensor. bool uses Uint8Array (0/1); float16 uses Uint16Array bits. */
export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

export type NamedTensors = Record<string, Tensor>;

/**
 * What the host hands an engine: a file (onnx, plan) or an unpacked directory (tfjs, savedmodel).
 * The host has already streamed, hashed and (for zips) safely unpacked it.
 */
export type ArtifactFormat = 'onnx' | 'tfjs' | 'savedmodel' | 'tensorrt-plan' | (string & {});

export interface ModelArtifact {
  format: ArtifactFormat;
  /** Absolute path: the model file, or the directory that holds model.json / saved_model.pb. */
  path: string;
}

export interface ProbeResult {
  available: boolean;
  /** Why the engine (or a better backend) is unavailable, in words an operator can act on. */
  reason?: string;
  /** The backend actually in use, e.g. "cpu", "cuda", "wasm", "tfjs-node-gpu". */
  backend?: string;
  /** Devices the engine can run on, e.g. ["cpu"] or ["cpu", "cuda:0"]. */
  devices?: string[];
}

/** A failure an engine reports in a structured way; codes are stable and upper snake case. */
export interface EngineErrorInfo {
  code: string;
  message: string;
}

export type ValidationResult =
  | { ok: true; signature: ModelSignature; warnings: string[] }
  | { ok: false; error: EngineErrorInfo; warnings: string[] };

export interface LoadOptions {
  /** Largest batch the host will send; engines may report a lower limit in LoadedModel.maxBatchSize. */
  maxBatchSize?: number;
  /** Threads this instance may use for compute; the host divides the machine between deployed models. */
  intraOpThreads?: number;
  interOpThreads?: number;
  /** Preferred device, e.g. "cpu" or "cuda:0"; engines fall back to what probe() reported. */
  device?: string;
}

/** One answer per request: outputs, or this request's own error. */
export type ExecuteResult = { ok: true; outputs: NamedTensors } | { ok: false; error: EngineErrorInfo };

export interface LoadedModel {
  readonly signature: ModelSignature;
  /** Largest number of batch rows one execute() may carry in total; 0 means the model cannot batch. */
  readonly maxBatchSize: number;
  /**
   * Runs a batch. Each request is a map of named tensors whose first dimension is that request's
   * own batch rows (usually 1). The engine may concatenate compatible requests into one run, and
   * answers each request separately, in order: a malformed request gets its own error and never
   * fails its neighbours. The host never calls execute concurrently on one LoadedModel.
   */
  execute(requests: NamedTensors[]): Promise<ExecuteResult[]>;
  /**
   * Optional (API 1.1): stops a call that never returns (for a worker-backed engine, terminates
   * the worker) and makes the instance ready again. Pending execute() calls settle with errors.
   * The host calls it when an engine call outlives its deadline plus a grace period.
   */
  restart?(): Promise<void>;
  dispose(): Promise<void>;
}

/** Logging the host lends an engine; messages must never include secrets. */
export interface EngineLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface EngineContext {
  /** This engine's own config slice (engines.<name> in config/default.yaml), possibly empty. */
  config: Record<string, unknown>;
  logger: EngineLogger;
}

export interface Engine {
  readonly name: string;
  /** The engine's own version, usually its runtime's version (e.g. onnxruntime-node 1.30.0). */
  readonly version: string;
  /** The ENGINE_API_VERSION this engine was written against. */
  readonly apiVersion: string;
  /** Artifact formats this engine accepts. */
  readonly formats: readonly ArtifactFormat[];
  probe(): Promise<ProbeResult>;
  /**
   * Loads the model, reads its signature and runs it once on dummy data, then frees it.
   * No side effects: nothing stays loaded. Never throws for a bad model; returns ok:false.
   */
  validate(artifact: ModelArtifact): Promise<ValidationResult>;
  load(artifact: ModelArtifact, options: LoadOptions): Promise<LoadedModel>;
  /** Optional: frees process-wide resources (worker threads) at shutdown. */
  shutdown?(): Promise<void>;
}

/** What every engines/<name>/index exports. */
export type EngineFactory = (context: EngineContext) => Engine | Promise<Engine>;

/** Thrown by load()/execute() for failures that are not per-request. */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Number of elements for a concrete shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** True when a signature dimension accepts any size. */
export function isDynamicDim(dim: Dim): boolean {
  return typeof dim === 'string' || dim < 0;
}

/** Parses "major.minor" and says whether an engine written for `engineVersion` can run on `hostVersion`. */
export function isApiCompatible(engineVersion: string, hostVersion: string = ENGINE_API_VERSION): { ok: boolean; reason?: string } {
  const parse = (version: string) => version.split('.').map((part) => Number.parseInt(part, 10));
  const [engineMajor, engineMinor] = parse(engineVersion);
  const [hostMajor, hostMinor] = parse(hostVersion);
  if (!Number.isFinite(engineMajor) || !Number.isFinite(engineMinor)) {
    return { ok: false, reason: `malformed engine API version "${engineVersion}"` };
  }
  if (engineMajor !== hostMajor) {
    return { ok: false, reason: `engine API major version ${engineMajor} does not match host ${hostMajor}` };
  }
  if (engineMinor > hostMinor) {
    return { ok: false, reason: `engine needs API ${engineVersion}, host provides ${hostVersion}` };
  }
  return { ok: true };
}

export { allocateTensorData, typedArrayFor, batchCapacity, checkRequest, concatTensors, dataMatchesDtype, dummyInputs, executeBatched, splitTensor, tryDummyRun } from './batching.js';
export type { BatchRunOptions, TypedArrayClass } from './batching.js';
export { WorkerChannel, WorkerModel, serveWorker, transferListOf, workerSpawner } from './worker-model.js';
export { WorkerBackedEngine, describeEngineError } from './worker-engine.js';
export type { WorkerHandlers, WorkerLoadResult, WorkerModelOptions, WorkerSpawner } from './worker-model.js';
