import type { DType, Tensor, TensorData } from '../../engines/sdk/index.js';
import { allocateTensorData, elementCount, typedArrayFor } from '../../engines/sdk/index.js';

/** Integer ranges; typed arrays would silently wrap values outside them. */
const INTEGER_RANGES: Partial<Record<DType, [number, number]>> = {
  bool: [0, 1],
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

export const SUPPORTED_DTYPES: readonly DType[] = ['float32', 'float16', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'];

/** A zero-filled tensor of `dtype` and `shape`. */
export function zeroTensor(dtype: DType, shape: number[]): Tensor {
  return { dtype, shape, data: allocateTensorData(dtype, elementCount(shape)) };
}

/**
 * Builds typed data from JSON numbers. Returns an error message instead of throwing, so callers
 * can answer INVALID_INPUT with the tensor's name.
 */
export function typedDataFromJson(dtype: DType, values: unknown[]): TensorData | string {
  if (dtype === 'string') {
    return values.every((value) => typeof value === 'string') ? (values as string[]) : 'string tensors take string values';
  }
  const isInteger = !dtype.startsWith('float');
  const range = INTEGER_RANGES[dtype];
  const converted: Array<number | bigint> = new Array(values.length);
  for (let index = 0; index < values.length; index++) {
    let value = values[index];
    if (dtype === 'bool' && typeof value === 'boolean') value = value ? 1 : 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) return `element ${index} is not a finite number`;
    const number = value;
    if (isInteger && !Number.isInteger(number)) return `element ${index} is not an integer`;
    if (range && (number < range[0] || number > range[1])) return `element ${index} is out of range for ${dtype}`;
    converted[index] = dtype === 'int64' || dtype === 'uint64' ? BigInt(number) : number;
  }
  if (dtype === 'float16') return Uint16Array.from(converted as number[], toFloat16Bits);
  try {
    return typedArrayFor(dtype)!.from(converted as never);
  } catch {
    return 'values are out of range for the dtype';
  }
}

/** Typed data → plain JSON numbers (int64 as numbers; float16 decoded). */
export function jsonFromTypedData(tensor: Tensor): Array<number | string | boolean> {
  const { data, dtype } = tensor;
  if (Array.isArray(data)) return data;
  if (dtype === 'float16') return Array.from(data as Uint16Array, fromFloat16Bits);
  if (dtype === 'bool') return Array.from(data as Uint8Array, (value) => value !== 0);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, (value) => Number(value));
  // JSON has no NaN/Infinity; they become null rather than breaking serialisation.
  return Array.from(data as ArrayLike<number>, (value) => (Number.isFinite(value) ? value : (null as never)));
}

/** Reads a tensor as float numbers regardless of its dtype (for postprocessing). */
export function toFloat32(tensor: Tensor): Float32Array {
  const { data, dtype } = tensor;
  if (data instanceof Float32Array) return data;
  if (dtype === 'float16') return Float32Array.from(data as Uint16Array, fromFloat16Bits);
  if (Array.isArray(data)) return Float32Array.from(data, Number);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (value) => Number(value));
  return Float32Array.from(data as ArrayLike<number>);
}

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function toFloat16Bits(value: number): number {
  const floatView = new Float32Array(1);
  const intView = new Uint32Array(floatView.buffer);
  floatView[0] = value;
  const bits = intView[0];
  const sign = (bits >> 16) & 0x8000;
  const exponent = ((bits >> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign | (exponent < -10 ? 0 : ((mantissa | 0x800000) >> (1 - exponent + 13)));
  if (exponent >= 0x1f) return sign | 0x7c00 | (Number.isNaN(value) ? 0x200 : 0);
  return sign | (exponent << 10) | (mantissa >> 13);
}
