/**
 * Helpers every engine needs around LoadedModel.execute: checking a request against the model's
 * signature, concatenating compatible requests along the batch dimension, splitting the outputs
 * back, and dummy inputs for validate(). Pure functions over the contract's own types.
 */
import type { Dim, DType, EngineErrorInfo, ExecuteResult, ModelSignature, NamedTensors, Tensor, TensorData, TensorSpec } from './index.js';

const isDynamic = (dim: Dim): boolean => typeof dim === 'string' || dim < 0;
const countElements = (shape: readonly number[]): number => shape.reduce((product, dim) => product * dim, 1);

type NumericData = Exclude<TensorData, string[]>;

/** The typed-array class that carries each dtype (float16 travels as raw Uint16 bits, bool as 0/1 bytes). */
export interface TypedArrayClass {
  new (length: number): NumericData;
  from(values: ArrayLike<number> | ArrayLike<bigint>): NumericData;
}

const ARRAY_TYPES: Record<DType, TypedArrayClass | null> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
  string: null,
};

/** The typed-array class for a dtype, or null for string tensors. */
export function typedArrayFor(dtype: DType): TypedArrayClass | null {
  return ARRAY_TYPES[dtype];
}

/** A zero-filled buffer of the right typed array for a dtype. */
export function allocateTensorData(dtype: DType, length: number): TensorData {
  const ArrayType = ARRAY_TYPES[dtype];
  return ArrayType ? new ArrayType(length) : Array.from({ length }, () => '');
}

/** True when the data's JS type fits the dtype (e.g. Float32Array for float32). */
export function dataMatchesDtype(dtype: DType, data: TensorData): boolean {
  const ArrayType = ARRAY_TYPES[dtype];
  return ArrayType ? data instanceof ArrayType : Array.isArray(data);
}

/**
 * The batch capacity a signature allows: `requested` when every input's first dimension is
 * dynamic, 1 when it is fixed at 1 (the model takes one item per run), 0 when inputs have no
 * leading batch dimension at all (requests run one by one, untouched).
 */
export function batchCapacity(signature: ModelSignature, requested: number): number {
  if (signature.inputs.length === 0) return 0;
  const leading = signature.inputs.map((input) => input.shape[0]);
  if (leading.some((dim) => dim === undefined)) return 0;
  if (leading.every((dim) => isDynamic(dim as Dim))) return Math.max(1, requested);
  if (leading.every((dim) => dim === 1)) return 1;
  return 0;
}

function invalid(message: string): EngineErrorInfo {
  return { code: 'INVALID_INPUT', message };
}

/** Checks one request against the signature; returns its error, or null when it is well formed. */
export function checkRequest(signature: ModelSignature, request: NamedTensors, capacity: number): EngineErrorInfo | null {
  if (typeof request !== 'object' || request === null) return invalid('request must map input names to tensors');
  const known = new Set(signature.inputs.map((input) => input.name));
  const unknown = Object.keys(request).filter((name) => !known.has(name));
  if (unknown.length > 0) return invalid(`unknown input(s): ${unknown.join(', ')}; the model takes ${[...known].join(', ')}`);
  let batchRows: number | undefined;
  for (const spec of signature.inputs) {
    const tensor = request[spec.name];
    if (!tensor) return invalid(`missing input "${spec.name}"`);
    const problem = checkTensor(spec, tensor);
    if (problem) return invalid(problem);
    if (capacity > 0) {
      const rows = tensor.shape[0];
      if (batchRows !== undefined && rows !== batchRows) return invalid(`inputs disagree on the batch size (${batchRows} vs ${rows} for "${spec.name}")`);
      batchRows = rows;
    }
  }
  if (batchRows !== undefined && (batchRows < 1 || batchRows > capacity)) {
    return invalid(`batch of ${batchRows} rows is outside 1..${capacity}`);
  }
  return null;
}

function checkTensor(spec: TensorSpec, tensor: Tensor): string | null {
  if (!Array.isArray(tensor.shape) || tensor.shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    return `input "${spec.name}" has a malformed shape`;
  }
  if (tensor.dtype !== spec.dtype) return `input "${spec.name}" must be ${spec.dtype}, got ${tensor.dtype}`;
  if (!dataMatchesDtype(tensor.dtype, tensor.data)) return `input "${spec.name}" data does not match dtype ${tensor.dtype}`;
  if (spec.shape.length > 0 && tensor.shape.length !== spec.shape.length) {
    return `input "${spec.name}" must have rank ${spec.shape.length} [${spec.shape.join(', ')}], got [${tensor.shape.join(', ')}]`;
  }
  for (let axis = 0; axis < spec.shape.length; axis += 1) {
    const expected = spec.shape[axis];
    if (!isDynamic(expected) && tensor.shape[axis] !== expected) {
      return `input "${spec.name}" dimension ${axis} must be ${expected}, got ${tensor.shape[axis]} (expected [${spec.shape.join(', ')}])`;
    }
  }
  if (tensor.data.length !== countElements(tensor.shape)) {
    return `input "${spec.name}" has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] needs ${countElements(tensor.shape)}`;
  }
  return null;
}

/** Requests can share a run when every input agrees on all dimensions after the first. */
function shapeKey(signature: ModelSignature, request: NamedTensors): string {
  return signature.inputs.map((spec) => request[spec.name].shape.slice(1).join('x')).join('|');
}

/** Concatenates tensors of one dtype along dimension 0. */
export function concatTensors(tensors: Tensor[]): Tensor {
  if (tensors.length === 1) return tensors[0];
  const first = tensors[0];
  const rows = tensors.reduce((sum, tensor) => sum + tensor.shape[0], 0);
  const shape = [rows, ...first.shape.slice(1)];
  if (Array.isArray(first.data)) {
    return { dtype: first.dtype, shape, data: tensors.flatMap((tensor) => tensor.data as string[]) };
  }
  const data = allocateTensorData(first.dtype, countElements(shape)) as Exclude<TensorData, string[]>;
  let offset = 0;
  for (const tensor of tensors) {
    (data as unknown as { set(source: ArrayLike<number | bigint>, offset: number): void }).set(tensor.data as ArrayLike<number | bigint>, offset);
    offset += tensor.data.length;
  }
  return { dtype: first.dtype, shape, data };
}

/** Splits a tensor along dimension 0 into consecutive pieces of `rows[i]` rows. */
export function splitTensor(tensor: Tensor, rows: number[]): Tensor[] {
  const total = rows.reduce((sum, count) => sum + count, 0);
  if (tensor.shape.length === 0 || tensor.shape[0] !== total) {
    throw new Error(`output batch dimension ${tensor.shape[0]} does not match ${total} input rows`);
  }
  const rowSize = countElements(tensor.shape.slice(1));
  let start = 0;
  return rows.map((count) => {
    const end = start + count * rowSize;
    const data = tensor.data.slice(start, end) as TensorData;
    start = end;
    return { dtype: tensor.dtype, shape: [count, ...tensor.shape.slice(1)], data };
  });
}

export interface BatchRunOptions {
  signature: ModelSignature;
  /** From batchCapacity(): rows one run may carry; 0 = run each request alone and as is. */
  capacity: number;
  /** Runs the model once on already-validated, concatenated inputs. */
  run(inputs: NamedTensors): Promise<NamedTensors>;
  /** Maps a run failure to a per-request error (default: EXECUTION_FAILED with the message). */
  describeFailure?(error: unknown): EngineErrorInfo;
}

function defaultFailure(error: unknown): EngineErrorInfo {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'EXECUTION_FAILED';
  return { code, message: error instanceof Error ? error.message : String(error) };
}

/**
 * Answers every request: malformed ones get INVALID_INPUT, compatible ones run together in
 * groups of at most `capacity` rows, and outputs are split back in order. When a combined run
 * fails, its requests are retried alone so one poisonous request cannot fail its neighbours.
 */
export async function executeBatched(requests: NamedTensors[], options: BatchRunOptions): Promise<ExecuteResult[]> {
  const { signature, capacity, run } = options;
  const describe = options.describeFailure ?? defaultFailure;
  const results: ExecuteResult[] = new Array(requests.length);
  const groups = new Map<string, number[][]>();

  requests.forEach((request, index) => {
    const error = checkRequest(signature, request, capacity);
    if (error) {
      results[index] = { ok: false, error };
      return;
    }
    if (capacity <= 1) {
      groups.set(`solo:${index}`, [[index]]);
      return;
    }
    const key = shapeKey(signature, request);
    const chunks = groups.get(key) ?? [];
    const current = chunks[chunks.length - 1];
    const rows = (indices: number[]) => indices.reduce((sum, i) => sum + request0(requests[i], signature), 0);
    if (current && rows(current) + request0(request, signature) <= capacity) current.push(index);
    else chunks.push([index]);
    groups.set(key, chunks);
  });

  const runGroup = async (indices: number[]): Promise<void> => {
    const inputs: NamedTensors = {};
    for (const spec of signature.inputs) inputs[spec.name] = concatTensors(indices.map((i) => requests[i][spec.name]));
    try {
      const outputs = await run(inputs);
      if (indices.length === 1) {
        results[indices[0]] = { ok: true, outputs };
        return;
      }
      const rows = indices.map((i) => request0(requests[i], signature));
      const perRequest: NamedTensors[] = indices.map(() => ({}));
      for (const [name, tensor] of Object.entries(outputs)) {
        splitTensor(tensor, rows).forEach((piece, position) => (perRequest[position][name] = piece));
      }
      indices.forEach((requestIndex, position) => (results[requestIndex] = { ok: true, outputs: perRequest[position] }));
    } catch (error) {
      if (indices.length === 1) {
        results[indices[0]] = { ok: false, error: describe(error) };
        return;
      }
      for (const index of indices) await runGroup([index]);
    }
  };

  for (const chunks of groups.values()) {
    for (const indices of chunks) await runGroup(indices);
  }
  return results;
}

function request0(request: NamedTensors, signature: ModelSignature): number {
  const first = signature.inputs[0];
  return first ? (request[first.name].shape[0] ?? 1) : 1;
}

/**
 * Zero inputs for a validation run: dynamic batch → 1, dynamic spatial dims of image-like
 * (rank-4) inputs → `spatialSize`, any other dynamic dim → 1.
 */
export function dummyInputs(signature: ModelSignature, spatialSize = 32): NamedTensors {
  // A symbolic dimension gets one value everywhere it appears (e.g. "batch" in a state tensor).
  const symbols = new Map<string, number>();
  for (const spec of signature.inputs) {
    if (typeof spec.shape[0] === 'string') symbols.set(spec.shape[0], 1);
  }
  const inputs: NamedTensors = {};
  for (const spec of signature.inputs) {
    const shape = spec.shape.map((dim, axis) => {
      if (!isDynamic(dim)) return dim as number;
      if (typeof dim === 'string' && symbols.has(dim)) return symbols.get(dim) as number;
      const size = dummyDim(spec.shape, axis, spatialSize);
      if (typeof dim === 'string') symbols.set(dim, size);
      return size;
    });
    inputs[spec.name] = { dtype: spec.dtype, shape, data: allocateTensorData(spec.dtype, countElements(shape)) };
  }
  return inputs;
}

/**
 * Image inputs are NCHW or NHWC: a dynamic axis is spatial unless it sits where channels go.
 * Other dynamic non-batch axes (sequence lengths, features) get the same modest size.
 */
function dummyDim(shape: Dim[], axis: number, spatialSize: number): number {
  if (axis === 0) return 1;
  if (shape.length !== 4) return spatialSize;
  const fewChannels = (dim: Dim) => !isDynamic(dim) && (dim as number) <= 4;
  if (axis === 2) return spatialSize;
  if (axis === 1) return fewChannels(shape[3]) ? spatialSize : 3;
  return fewChannels(shape[1]) ? spatialSize : 3;
}

/**
 * The validation run: zero inputs at a small size first, then (when the model has dynamic
 * non-batch dimensions) at a larger one, since some models need a minimum spatial or sequence
 * length. Resolves to the last failure, or undefined when a run succeeded.
 */
export async function tryDummyRun(signature: ModelSignature, run: (inputs: NamedTensors) => Promise<unknown>): Promise<Error | undefined> {
  const hasDynamicInner = signature.inputs.some((spec) => spec.shape.slice(1).some(isDynamic));
  let failure: Error | undefined;
  for (const size of hasDynamicInner ? [32, 640] : [32]) {
    try {
      await run(dummyInputs(signature, size));
      return undefined;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
  }
  return failure;
}
