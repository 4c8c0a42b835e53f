import { describe, expect, it } from 'vitest';
import { apiFailure as codeOf } from '../common/testing/api-failure.js';
import { decodeRawTensor, encodeRawTensor } from './tensor-bytes.js';

const bytesOf = (values: string[]) =>
  Buffer.concat(values.flatMap((value) => {
    const text = Buffer.from(value, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(text.byteLength);
    return [length, text];
  }));


describe('raw tensor layout (binary extension and gRPC raw contents)', () => {
  it('decodes every fixed-size datatype little-endian, from any byte offset', () => {
    const padded = (bytes: Uint8Array) => new Uint8Array([9, ...bytes]).subarray(1);
    expect(decodeRawTensor('x', 'float32', padded(new Uint8Array(Float32Array.from([1.5, -2]).buffer)), 2)).toEqual([1.5, -2]);
    expect(decodeRawTensor('x', 'int64', padded(new Uint8Array(BigInt64Array.from([-7n, 2n ** 40n]).buffer)), 2)).toEqual([-7, 2 ** 40]);
    expect(decodeRawTensor('x', 'uint16', new Uint8Array([1, 0, 0, 1]), 2)).toEqual([1, 256]);
    expect(decodeRawTensor('x', 'int8', new Uint8Array([255, 1]), 2)).toEqual([-1, 1]);
    expect(decodeRawTensor('x', 'bool', new Uint8Array([0, 1, 7]), 3)).toEqual([0, 1, 1]);
    expect(decodeRawTensor('x', 'float16', new Uint8Array([0x00, 0x3c, 0x00, 0xc0]), 2)).toEqual([1, -2]);
    expect(decodeRawTensor('x', 'float64', new Uint8Array(Float64Array.from([Math.PI]).buffer), 1)).toEqual([Math.PI]);
  });

  it('decodes BYTES as 4-byte lengths followed by UTF-8 text, and round-trips through the encoder', () => {
    const values = ['', 'cat', 'ünïcode ✓'];
    expect(decodeRawTensor('s', 'string', bytesOf(values), 3)).toEqual(values);
    expect(encodeRawTensor({ dtype: 'string', shape: [3], data: values })).toEqual(bytesOf(values));
    const floats = Float32Array.from([1, 2, 3]);
    expect(Array.from(new Float32Array(new Uint8Array(encodeRawTensor({ dtype: 'float32', shape: [3], data: floats })).buffer))).toEqual([1, 2, 3]);
  });

  it('refuses sizes that do not match the shape and malformed BYTES with 400 INVALID_INPUT', () => {
    expect(codeOf(() => decodeRawTensor('x', 'float32', new Uint8Array(12), 4))).toBe('400 INVALID_INPUT');
    expect(codeOf(() => decodeRawTensor('x', 'float32', new Uint8Array(20), 4))).toBe('400 INVALID_INPUT');
    expect(codeOf(() => decodeRawTensor('s', 'string', new Uint8Array([1, 0]), 1))).toBe('400 INVALID_INPUT');
    expect(codeOf(() => decodeRawTensor('s', 'string', new Uint8Array([200, 0, 0, 0, 65]), 1))).toBe('400 INVALID_INPUT');
    expect(codeOf(() => decodeRawTensor('s', 'string', Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from([0xff, 0xfe])]), 1))).toBe('400 INVALID_INPUT');
    expect(codeOf(() => decodeRawTensor('s', 'string', bytesOf(['a', 'b', 'c']), 2))).toBe('400 INVALID_INPUT');
    expect(codeOf(() => decodeRawTensor('s', 'string', bytesOf(['a']), 2))).toBe('400 INVALID_INPUT');
    // A shape claiming far more elements than the bytes can hold is refused, not allocated.
    expect(codeOf(() => decodeRawTensor('x', 'float32', new Uint8Array(4), 2 ** 40))).toBe('400 INVALID_INPUT');
  });
});
