import type { DType, ModelSignature, TensorSpec } from '../sdk/index.js';

const ORT_TO_DTYPE: Record<string, DType> = {
  float32: 'float32',
  float16: 'float16',
  float64: 'float64',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  bool: 'bool',
  string: 'string',
};

export interface OrtValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

/** Converts ORT's metadata into the contract's signature; non-tensor values are refused. */
export function signatureFromMetadata(inputs: readonly OrtValueMetadata[], outputs: readonly OrtValueMetadata[]): ModelSignature {
  const toSpec = (value: OrtValueMetadata): TensorSpec => {
    const dtype = value.type ? ORT_TO_DTYPE[value.type] : undefined;
    if (!value.isTensor || !dtype) {
      throw Object.assign(new Error(`"${value.name}" is a ${value.isTensor ? value.type : 'non-tensor value'}, which Modelport cannot feed`), { code: 'UNSUPPORTED_MODEL' });
    }
    return { name: value.name, dtype, shape: (value.shape ?? []).map((dim) => (typeof dim === 'number' && dim < 0 ? -1 : dim)) };
  };
  return { inputs: inputs.map(toSpec), outputs: outputs.map(toSpec) };
}

/** ORT's error messages, mapped to the contract's validation codes. */
export function classifyLoadError(message: string): string {
  if (/not a registered function\/op|Could not find an implementation|No opset import for domain|Unsupported (op|operator)/i.test(message)) return 'UNSUPPORTED_OPERATOR';
  return 'MODEL_UNREADABLE';
}
