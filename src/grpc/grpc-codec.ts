import { elementCount } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import type { OipInferRequest, OipInferResult, OipInput } from '../oip/oip.types.js';
import { decodeRawTensor, encodeRawTensor } from '../oip/tensor-bytes.js';
import { fromV2Datatype } from '../serving/v2-datatypes.js';

/** Messages as @grpc/proto-loader hands them over (keepCase, longs as numbers, oneofs named). */
export interface GrpcInferParameter {
  parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
}

type Contents = Partial<Record<'bool_contents' | 'int_contents' | 'int64_contents' | 'uint_contents' | 'uint64_contents' | 'fp32_contents' | 'fp64_contents' | 'bytes_contents', unknown[]>>;

export interface GrpcInferRequest {
  model_name?: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, GrpcInferParameter>;
  inputs?: Array<{ name?: string; datatype?: string; shape?: number[]; parameters?: Record<string, GrpcInferParameter>; contents?: Contents | null }>;
  outputs?: Array<{ name?: string; parameters?: Record<string, GrpcInferParameter> }>;
  raw_input_contents?: Buffer[];
}

const CONTENTS_FIELD: Record<string, keyof Contents> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

const MAX_RANK = 8;

function invalid(message: string): ApiError {
  return ApiError.badRequest('INVALID_INPUT', message);
}

export function parameterValue(parameter: GrpcInferParameter | undefined): unknown {
  const choice = parameter?.parameter_choice;
  return choice ? parameter[choice] : undefined;
}

function integerParameter(parameters: Record<string, GrpcInferParameter> | undefined, name: string, min: number, max: number): number | undefined {
  const value = parameterValue(parameters?.[name]);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw ApiError.badRequest('VALIDATION_FAILED', `Parameter "${name}" must be an integer from ${min} to ${max}`);
  return value;
}

function hasContents(contents: Contents | null | undefined): boolean {
  return !!contents && Object.values(contents).some((values) => Array.isArray(values) && values.length > 0);
}

function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((dim) => Number.isInteger(dim) && dim >= 0 && dim <= 2 ** 30)) {
    throw invalid(`Input "${name}": shape must be at most ${MAX_RANK} non-negative integers`);
  }
  return shape as number[];
}

function typedContents(name: string, datatype: string, contents: Contents | null | undefined): unknown[] {
  const field = CONTENTS_FIELD[datatype];
  if (!field) throw invalid(`Input "${name}": ${datatype} data must be sent in raw_input_contents`);
  const values = contents?.[field] ?? [];
  if (datatype !== 'BYTES') return values;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return values.map((value) => {
    try {
      return decoder.decode(value as Buffer);
    } catch {
      throw invalid(`Input "${name}": BYTES elements must be UTF-8 text`);
    }
  });
}

/** A ModelInfer request → the transport-neutral protocol request (typed or raw contents). */
export function fromGrpcInferRequest(message: GrpcInferRequest): OipInferRequest {
  const inputs = message.inputs ?? [];
  if (inputs.length === 0 || inputs.length > 64) throw ApiError.badRequest('VALIDATION_FAILED', 'A request needs 1 to 64 inputs');
  const raw = message.raw_input_contents ?? [];
  if (raw.length > 0 && raw.length !== inputs.length) throw invalid(`raw_input_contents has ${raw.length} entries for ${inputs.length} inputs`);
  const converted: OipInput[] = inputs.map((input, index) => {
    const name = input.name ?? '';
    if (!name) throw ApiError.badRequest('VALIDATION_FAILED', `Input ${index} has no name`);
    const datatype = String(input.datatype ?? '').toUpperCase();
    const shape = checkShape(name, input.shape);
    if (raw.length === 0) return { name, datatype, shape, values: typedContents(name, datatype, input.contents) };
    if (hasContents(input.contents)) throw invalid(`Input "${name}": contents and raw_input_contents cannot be mixed`);
    const dtype = fromV2Datatype(datatype);
    if (!dtype) throw invalid(`Input "${name}": unknown datatype ${datatype.slice(0, 32)}`);
    return { name, datatype, shape, values: decodeRawTensor(name, dtype, raw[index], elementCount(shape)) };
  });
  return {
    id: message.id || undefined,
    priority: integerParameter(message.parameters, 'priority', -1000, 1000) ?? 0,
    timeoutMs: integerParameter(message.parameters, 'timeoutMs', 1, 600_000),
    inputs: converted,
    outputs: message.outputs?.map((output) => ({ name: output.name ?? '' })),
  };
}

/** The protocol result → a ModelInferResponse; every output travels in raw_output_contents. */
export function toGrpcInferResponse(result: OipInferResult) {
  return {
    model_name: result.model_name,
    model_version: result.model_version,
    id: result.id ?? '',
    parameters: {},
    outputs: result.outputs.map((output) => ({ name: output.name, datatype: output.datatype, shape: output.shape, parameters: {} })),
    raw_output_contents: result.outputs.map((output) => encodeRawTensor(output.tensor)),
  };
}
