import type { DType, NamedTensors, Tensor, TensorData } from '../../engines/sdk/index.js';
import { typedArrayFor } from '../../engines/sdk/index.js';

/**
 * The binary form of raw outputs (`output=raw&encoding=binary`), after the Open Inference
 * Protocol's binary tensor extension: the body is a UTF-8 JSON header whose length in bytes is
 * in the `Inference-Header-Content-Length` response header, followed by every output tensor's
 * bytes, little-endian, in the order the header lists them (results in order, then outputs in
 * order). Each output in the header carries `shape`, `dtype` and `parameters.binary_data_size`
 * instead of `data`. bool is one byte per element, float16 its raw 16-bit pattern, and a string
 * tensor a 4-byte little-endian length before each element's UTF-8 bytes.
 */
export const BINARY_HEADER_LENGTH_HEADER = 'Inference-Header-Content-Length';
export const BINARY_CONTENT_TYPE = 'application/octet-stream';

export interface BinaryTensorHeader {
  shape: number[];
  dtype: DType;
  parameters: { binary_data_size: number };
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The tensor's elements as little-endian bytes (a view, not a copy, on little-endian hosts). */
export function tensorBytes(tensor: Tensor): Buffer {
  const data = tensor.data;
  if (Array.isArray(data)) {
    const parts: Buffer[] = [];
    for (const value of data) {
      const text = Buffer.from(String(value), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(text.length);
      parts.push(length, text);
    }
    return Buffer.concat(parts);
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = Buffer.from(bytes);
  if (data.BYTES_PER_ELEMENT === 2) swapped.swap16();
  else if (data.BYTES_PER_ELEMENT === 4) swapped.swap32();
  else swapped.swap64();
  return swapped;
}

/** Replaces each result's tensors by their header entries and returns the bytes to send after the header. */
export function encodeBinaryOutputs(results: NamedTensors[]): { headers: Array<Record<string, BinaryTensorHeader>>; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const headers = results.map((outputs) => {
    const described: Record<string, BinaryTensorHeader> = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      const bytes = tensorBytes(tensor);
      chunks.push(bytes);
      described[name] = { shape: tensor.shape, dtype: tensor.dtype, parameters: { binary_data_size: bytes.length } };
    }
    return described;
  });
  return { headers, chunks };
}

/** The whole body: JSON header, then the tensor bytes. */
export function binaryBody(header: unknown, chunks: Buffer[]): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return { body: Buffer.concat([json, ...chunks]), headerLength: json.length };
}

/** Reads a binary body back (for clients and tests): the header, and every output as a tensor. */
export function decodeBinaryBody(body: Buffer, headerLength: number): { header: { results: Array<{ outputs: Record<string, BinaryTensorHeader> }> } & Record<string, unknown>; results: NamedTensors[] } {
  const header = JSON.parse(body.subarray(0, headerLength).toString('utf8'));
  let offset = headerLength;
  const results = (header.results as Array<{ outputs: Record<string, BinaryTensorHeader> }>).map((result) => {
    const tensors: NamedTensors = {};
    for (const [name, described] of Object.entries(result.outputs)) {
      const size = described.parameters.binary_data_size;
      const bytes = body.subarray(offset, offset + size);
      offset += size;
      tensors[name] = { dtype: described.dtype, shape: described.shape, data: decodeData(described.dtype, bytes) };
    }
    return tensors;
  });
  return { header, results };
}

function decodeData(dtype: DType, bytes: Buffer): TensorData {
  if (dtype === 'string') {
    const values: string[] = [];
    for (let offset = 0; offset < bytes.length; ) {
      const length = bytes.readUInt32LE(offset);
      values.push(bytes.toString('utf8', offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    return values;
  }
  const Type = (dtype === 'bool' ? Uint8Array : dtype === 'float16' ? Uint16Array : typedArrayFor(dtype)!) as unknown as new (buffer: ArrayBuffer, offset: number, length: number) => TensorData;
  const width = (Type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const copy = new Uint8Array(bytes);
  return new Type(copy.buffer, 0, copy.byteLength / width);
}
