import type { DType, ModelSignature, NamedTensors } from '../../engines/sdk/index.js';
import { elementCount, isDynamicDim } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { typedDataFromJson } from './tensor-codec.js';

/** A tensor as a client sends it in JSON: a flat, row-major data array. */
export interface JsonTensor {
  name: string;
  shape: unknown;
  dtype: unknown;
  data: unknown;
}

export interface CheckedTensors {
  inputs: NamedTensors;
  /** Batch rows the request carries (its first dimension when that is dynamic, else 1). */
  rows: number;
}

const MAX_RANK = 8;

function invalidInput(message: string, details?: unknown): ApiError {
  return ApiError.badRequest('INVALID_INPUT', message, details);
}

/**
 * Checks client tensors against the signature (every input present, no unknown names, dtype,
 * rank, fixed dimensions, data length) and converts them to typed arrays. All batch-carrying
 * inputs must agree on their row count.
 */
export function checkTensorInputs(signature: ModelSignature, tensors: JsonTensor[]): CheckedTensors {
  const specs = new Map(signature.inputs.map((spec) => [spec.name, spec]));
  const seen = new Set<string>();
  const inputs: NamedTensors = {};
  let rows: number | undefined;
  for (const tensor of tensors) {
    const spec = specs.get(tensor.name);
    if (!spec) throw invalidInput(`"${tensor.name}" is not an input of the model (inputs: ${[...specs.keys()].join(', ')})`, { input: tensor.name });
    if (seen.has(tensor.name)) throw invalidInput(`Input "${tensor.name}" is given twice`, { input: tensor.name });
    seen.add(tensor.name);
    const dtype = tensor.dtype ?? spec.dtype;
    if (dtype !== spec.dtype) throw invalidInput(`Input "${spec.name}" takes ${spec.dtype}, got ${String(dtype)}`, { input: spec.name, expected: spec.dtype });
    const shape = tensor.shape;
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((dim) => Number.isInteger(dim) && dim >= 0 && dim <= 1 << 30)) {
      throw invalidInput(`Input "${spec.name}": shape must be an array of non-negative integers`, { input: spec.name });
    }
    const dims = shape as number[];
    if (dims.length !== spec.shape.length) {
      throw invalidInput(`Input "${spec.name}" has rank ${spec.shape.length} ([${spec.shape.join(', ')}]), got [${dims.join(', ')}]`, { input: spec.name, expected: spec.shape });
    }
    spec.shape.forEach((dim, index) => {
      if (!isDynamicDim(dim) && dim !== dims[index]) {
        throw invalidInput(`Input "${spec.name}" dimension ${index} must be ${dim}, got ${dims[index]}`, { input: spec.name, expected: spec.shape });
      }
    });
    if (!Array.isArray(tensor.data)) throw invalidInput(`Input "${spec.name}": data must be a flat array`, { input: spec.name });
    const expected = elementCount(dims);
    if (tensor.data.length !== expected) {
      throw invalidInput(`Input "${spec.name}": shape [${dims.join(', ')}] needs ${expected} values, got ${tensor.data.length}`, { input: spec.name });
    }
    const data = typedDataFromJson(spec.dtype as DType, tensor.data);
    if (typeof data === 'string') throw invalidInput(`Input "${spec.name}": ${data}`, { input: spec.name });
    if (spec.shape.length > 0 && isDynamicDim(spec.shape[0])) {
      if (rows !== undefined && rows !== dims[0]) throw invalidInput('All inputs must have the same batch size (first dimension)');
      rows = dims[0];
    }
    inputs[spec.name] = { dtype: spec.dtype, shape: dims, data };
  }
  const missing = [...specs.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0) throw invalidInput(`Missing input(s): ${missing.join(', ')}`, { missing });
  if (rows === 0) throw invalidInput('The batch dimension must be at least 1');
  return { inputs, rows: rows ?? 1 };
}
