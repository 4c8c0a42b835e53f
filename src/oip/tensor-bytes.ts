import { endianness } from 'node:os';
import type { DType, Tensor } from '../../engines/sdk/index.js';
import { typedArrayFor } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { fromFloat16Bits } from '../serving/tensor-codec.js';

/**
 * The Open Inference Protocol's raw tensor layout, shared by the REST binary extension and
 * gRPC raw_input_contents / raw_output_contents: little-endian, row-major, no padding; BOOL is
 * one byte; BYTES elements are a 4-byte little-endian length followed by the bytes.
 */

const BYTE_SIZE: Partial<Record<DType, number>> = {
  bool: 1,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  float16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  uint64: 8,
  int64: 8,
  float64: 8,
};

// Typed-array views are in host byte order; every supported host (x64, arm64) is little-endian.
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

function invalid(tensor: string, message: string): ApiError {
  return ApiError.badRequest('INVALID_INPUT', `Input "${tensor}": ${message}`, { input: tensor });
}

/** Bytes a fixed-size tensor of `count` elements takes, or undefined for BYTES. */
export function rawByteLength(dtype: DType, count: number): number | undefined {
  const size = BYTE_SIZE[dtype];
  return size === undefined ? undefined : size * count;
}

/**
 * Decodes raw bytes into the flat JSON values the serving pipeline checks (numbers, booleans
 * as 0/1, strings for BYTES), so raw and JSON inputs take exactly the same validation path.
 */
export function decodeRawTensor(tensor: string, dtype: DType, bytes: Uint8Array, count: number): unknown[] {
  if (!LITTLE_ENDIAN_HOST) throw new ApiError(500, 'UNSUPPORTED_HOST', 'Raw tensors need a little-endian host');
  if (dtype === 'string') return decodeBytesElements(tensor, bytes, count);
  const expected = rawByteLength(dtype, count);
  if (expected === undefined) throw invalid(tensor, `datatype ${dtype} cannot be sent as raw bytes`);
  if (bytes.byteLength !== expected) throw invalid(tensor, `raw data has ${bytes.byteLength} bytes; the shape needs ${expected}`);
  // Copy to an aligned buffer: a slice of a request body may start at any offset.
  const aligned = new Uint8Array(bytes).buffer;
  if (dtype === 'float16') return Array.from(new Uint16Array(aligned), fromFloat16Bits);
  if (dtype === 'bool') return Array.from(new Uint8Array(aligned), (value) => (value === 0 ? 0 : 1));
  const View = typedArrayFor(dtype) as unknown as new (buffer: ArrayBuffer) => ArrayLike<number | bigint>;
  const view = new View(aligned);
  const values: unknown[] = new Array(view.length);
  for (let index = 0; index < view.length; index++) values[index] = typeof view[index] === 'bigint' ? Number(view[index]) : view[index];
  return values;
}

function decodeBytesElements(tensor: string, bytes: Uint8Array, count: number): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: string[] = [];
  let offset = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength) throw invalid(tensor, 'a BYTES element is cut short before its 4-byte length');
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength) throw invalid(tensor, 'a BYTES element is longer than the data sent');
    try {
      values.push(decoder.decode(bytes.subarray(offset, offset + length)));
    } catch {
      throw invalid(tensor, 'BYTES elements must be UTF-8 text');
    }
    offset += length;
    if (values.length > count) break;
  }
  if (values.length !== count) throw invalid(tensor, `raw data holds ${values.length} BYTES elements; the shape needs ${count}`);
  return values;
}

/** Encodes an output tensor in the raw layout. */
export function encodeRawTensor(tensor: Tensor): Buffer {
  const { data } = tensor;
  if (Array.isArray(data)) {
    const parts: Buffer[] = [];
    for (const element of data) {
      const text = Buffer.from(String(element), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(text.byteLength, 0);
      parts.push(length, text);
    }
    return Buffer.concat(parts);
  }
  if (!LITTLE_ENDIAN_HOST) throw new ApiError(500, 'UNSUPPORTED_HOST', 'Raw tensors need a little-endian host');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
