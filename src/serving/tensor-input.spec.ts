import { describe, expect, it } from 'vitest';
import type { ModelSignature } from '../../engines/sdk/index.js';
import { checkTensorInputs } from './tensor-input.js';
import { fromFloat16Bits, jsonFromTypedData, toFloat16Bits, typedDataFromJson } from './tensor-codec.js';

const signature: ModelSignature = {
  inputs: [
    { name: 'x', dtype: 'float32', shape: ['batch', 2] },
    { name: 'ids', dtype: 'int64', shape: [-1, 3] },
  ],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 1] }],
};

const x = (rows: number) => ({ name: 'x', shape: [rows, 2], dtype: 'float32', data: new Array(rows * 2).fill(1.5) });
const ids = (rows: number) => ({ name: 'ids', shape: [rows, 3], dtype: 'int64', data: new Array(rows * 3).fill(7) });

describe('checkTensorInputs', () => {
  it('converts to typed arrays and reports the batch rows', () => {
    const checked = checkTensorInputs(signature, [x(2), ids(2)]);
    expect(checked.rows).toBe(2);
    expect(checked.inputs.x.data).toBeInstanceOf(Float32Array);
    expect(checked.inputs.ids.data).toEqual(BigInt64Array.from([7n, 7n, 7n, 7n, 7n, 7n]));
  });

  it('takes the dtype from the signature when the client omits it', () => {
    const checked = checkTensorInputs(signature, [{ ...x(1), dtype: undefined }, ids(1)]);
    expect(checked.inputs.x.dtype).toBe('float32');
  });

  it.each([
    ['missing input', [x(1)], /Missing input/],
    ['unknown input', [x(1), ids(1), { ...ids(1), name: 'extra' }], /not an input/],
    ['duplicate', [x(1), x(1), ids(1)], /twice/],
    ['row mismatch', [x(1), ids(2)], /same batch size/],
    ['wrong dtype', [{ ...x(1), dtype: 'float64' }, ids(1)], /takes float32/],
    ['fractional int64', [x(1), { ...ids(1), data: [1, 2.5, 3] }], /not an integer/],
    ['bad shape entries', [{ ...x(1), shape: [1, 'two'] }, ids(1)], /non-negative integers/],
    ['too deep', [{ ...x(1), shape: [1, 1, 1, 1, 1, 1, 1, 1, 2] }, ids(1)], /non-negative integers/],
    ['huge dims', [{ ...x(1), shape: [2 ** 40, 2] }, ids(1)], /non-negative integers/],
    ['null data element', [{ ...x(1), data: [1, null] }, ids(1)], /finite number/],
  ])('refuses %s with INVALID_INPUT', (_label, tensors, message) => {
    let caught: unknown;
    try {
      checkTensorInputs(signature, tensors as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
  });
});

describe('tensor codec', () => {
  it('round-trips float16 bits for representable values', () => {
    for (const value of [0, 1, -2, 0.5, 65504, 0.000060975552]) expect(fromFloat16Bits(toFloat16Bits(value))).toBeCloseTo(value, 6);
  });

  it('booleans and int64 come back as JSON-friendly values', () => {
    expect(jsonFromTypedData({ dtype: 'bool', shape: [2], data: Uint8Array.of(1, 0) })).toEqual([true, false]);
    expect(jsonFromTypedData({ dtype: 'int64', shape: [1], data: BigInt64Array.of(42n) })).toEqual([42]);
    expect(jsonFromTypedData({ dtype: 'float32', shape: [2], data: Float32Array.of(Number.NaN, 1) })).toEqual([null, 1]);
  });

  it('accepts JSON booleans for bool tensors and strings only for string tensors', () => {
    expect(typedDataFromJson('bool', [true, false, 1])).toEqual(Uint8Array.of(1, 0, 1));
    expect(typedDataFromJson('string', ['a', 'b'])).toEqual(['a', 'b']);
    expect(typeof typedDataFromJson('string', ['a', 1])).toBe('string');
  });

  it('refuses integers outside the dtype instead of wrapping them', () => {
    expect(typedDataFromJson('uint8', [0, 255])).toEqual(Uint8Array.of(0, 255));
    expect(typedDataFromJson('uint8', [256])).toBe('element 0 is out of range for uint8');
    expect(typedDataFromJson('int8', [-129])).toMatch(/out of range/);
    expect(typedDataFromJson('bool', [2])).toMatch(/out of range/);
    expect(typedDataFromJson('uint32', [-1])).toMatch(/out of range/);
    expect(typedDataFromJson('int64', [2 ** 60])).toMatch(/out of range/);
  });
});
