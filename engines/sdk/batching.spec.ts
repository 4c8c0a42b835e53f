import { describe, expect, it } from 'vitest';
import { batchCapacity, checkRequest, concatTensors, dummyInputs, executeBatched, splitTensor, type ModelSignature, type NamedTensors } from './index.js';

const signature: ModelSignature = {
  inputs: [
    { name: 'image', dtype: 'float32', shape: ['batch', 3, 'height', 'width'] },
    { name: 'scale', dtype: 'int64', shape: ['batch', 1] },
  ],
  outputs: [{ name: 'out', dtype: 'float32', shape: ['batch', 2] }],
};

function request(rows: number, size = 2, fill = 1): NamedTensors {
  return {
    image: { dtype: 'float32', shape: [rows, 3, size, size], data: new Float32Array(rows * 3 * size * size).fill(fill) },
    scale: { dtype: 'int64', shape: [rows, 1], data: BigInt64Array.from({ length: rows }, () => 1n) },
  };
}

describe('batchCapacity', () => {
  it('uses the requested size for a dynamic batch, 1 for a fixed batch of 1, 0 without a batch dim', () => {
    expect(batchCapacity(signature, 16)).toBe(16);
    expect(batchCapacity({ inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4] }], outputs: [] }, 16)).toBe(1);
    expect(batchCapacity({ inputs: [{ name: 'x', dtype: 'float32', shape: [] }], outputs: [] }, 16)).toBe(0);
    expect(batchCapacity({ inputs: [{ name: 'x', dtype: 'float32', shape: [2, 4] }], outputs: [] }, 16)).toBe(0);
  });
});

describe('checkRequest', () => {
  it('accepts a well-formed request and names the problem of a bad one', () => {
    expect(checkRequest(signature, request(2), 4)).toBeNull();
    expect(checkRequest(signature, { image: request(1).image }, 4)?.message).toBe('missing input "scale"');
    expect(checkRequest(signature, request(5), 4)?.message).toMatch(/batch of 5 rows is outside 1..4/);
    const mixed = { ...request(1), scale: request(2).scale };
    expect(checkRequest(signature, mixed, 4)?.message).toMatch(/disagree on the batch size/);
    const wrongChannels = { ...request(1), image: { dtype: 'float32' as const, shape: [1, 4, 2, 2], data: new Float32Array(16) } };
    expect(checkRequest(signature, wrongChannels, 4)?.message).toMatch(/dimension 1 must be 3, got 4/);
    const wrongArray = { ...request(1), scale: { dtype: 'int64' as const, shape: [1, 1], data: new Int32Array(1) as never } };
    expect(checkRequest(signature, wrongArray, 4)?.message).toMatch(/does not match dtype int64/);
    expect(checkRequest(signature, null as never, 4)?.code).toBe('INVALID_INPUT');
  });
});

describe('concatTensors / splitTensor', () => {
  it('round-trips rows along dimension 0, for numbers, bigints and strings', () => {
    const a = { dtype: 'float32' as const, shape: [1, 2], data: Float32Array.from([1, 2]) };
    const b = { dtype: 'float32' as const, shape: [2, 2], data: Float32Array.from([3, 4, 5, 6]) };
    const joined = concatTensors([a, b]);
    expect(joined).toEqual({ dtype: 'float32', shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
    expect(splitTensor(joined, [1, 2])).toEqual([a, b]);
    const strings = concatTensors([{ dtype: 'string', shape: [1], data: ['x'] }, { dtype: 'string', shape: [1], data: ['y'] }]);
    expect(strings.data).toEqual(['x', 'y']);
    expect(() => splitTensor(joined, [1, 1])).toThrow(/does not match 2 input rows/);
  });
});

describe('executeBatched', () => {
  it('groups requests by shape, respects the row limit, and answers in order', async () => {
    const runs: number[][] = [];
    const results = await executeBatched([request(1, 2, 1), request(2, 4, 2), request(2, 2, 3), request(1, 2, 4), request(1, 4, 5)], {
      signature,
      capacity: 3,
      run: async (inputs) => {
        runs.push(inputs.image.shape);
        const rows = inputs.image.shape[0];
        const perRow = inputs.image.data.length / rows;
        return { out: { dtype: 'float32', shape: [rows, 2], data: Float32Array.from({ length: rows * 2 }, (_, i) => (inputs.image.data as Float32Array)[Math.floor(i / 2) * perRow]) } };
      },
    });
    expect(runs).toEqual([
      [3, 3, 2, 2],
      [1, 3, 2, 2],
      [3, 3, 4, 4],
    ]);
    const firstValues = results.map((result) => (result.ok ? Array.from(result.outputs.out.data as Float32Array) : null));
    expect(firstValues).toEqual([[1, 1], [2, 2, 2, 2], [3, 3, 3, 3], [4, 4], [5, 5]]);
  });

  it('retries a failed combined run request by request so only the poisonous one fails', async () => {
    const results = await executeBatched([request(1, 2, 1), request(1, 2, 9), request(1, 2, 2)], {
      signature,
      capacity: 8,
      run: async (inputs) => {
        if ((inputs.image.data as Float32Array).includes(9)) throw Object.assign(new Error('kernel exploded'), { code: 'ENGINE_CRASHED' });
        const rows = inputs.image.shape[0];
        return { out: { dtype: 'float32', shape: [rows, 2], data: new Float32Array(rows * 2) } };
      },
    });
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(results[1]).toEqual({ ok: false, error: { code: 'ENGINE_CRASHED', message: 'kernel exploded' } });
  });
});

describe('dummyInputs', () => {
  it('uses batch 1, the spatial size for image dims, and one value per symbolic name', () => {
    const inputs = dummyInputs({
      inputs: [
        { name: 'nchw', dtype: 'float32', shape: ['batch', 3, 'h', 'w'] },
        { name: 'nhwc', dtype: 'float32', shape: [-1, -1, -1, 3] },
        { name: 'state', dtype: 'float32', shape: [2, 'batch', 8] },
        { name: 'sr', dtype: 'int64', shape: [] },
      ],
      outputs: [],
    }, 32);
    expect(inputs.nchw.shape).toEqual([1, 3, 32, 32]);
    expect(inputs.nhwc.shape).toEqual([1, 32, 32, 3]);
    expect(inputs.state.shape).toEqual([2, 1, 8]);
    expect(inputs.sr).toEqual({ dtype: 'int64', shape: [], data: new BigInt64Array(1) });
  });
});
