import { describe, expect, it } from 'vitest';
import { apiFailure as failure } from '../common/testing/api-failure.js';
import { formatRestInferResponse, parseRestInferRequest, splitInferBody } from './oip-rest.codec.js';

const framed = (header: unknown, ...tensors: Uint8Array[]) => {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...tensors]), headers: { 'inference-header-content-length': String(json.byteLength) } };
};


describe('v2 REST request and response codec', () => {
  it('reads JSON inputs (flattening nested data) and binary inputs in the order they are listed', () => {
    const { body, headers } = framed(
      {
        id: 'a',
        parameters: { priority: 3, binary_data_output: true },
        inputs: [
          { name: 'b', shape: [2], datatype: 'INT32', parameters: { binary_data_size: 8 } },
          { name: 'j', shape: [2, 2], datatype: 'FP32', data: [[1, 2], [3, 4]] },
          { name: 'c', shape: [1], datatype: 'UINT8', parameters: { binary_data_size: 1 } },
        ],
        outputs: [{ name: 'y', parameters: { binary_data: false } }],
      },
      new Uint8Array(Int32Array.from([-1, 5]).buffer),
      new Uint8Array([200]),
    );
    const request = parseRestInferRequest(body, headers);
    expect(request).toMatchObject({ id: 'a', priority: 3, binaryOutputs: true, outputs: [{ name: 'y', binary: false }] });
    expect(request.inputs.map((input) => [input.name, input.values])).toEqual([['b', [-1, 5]], ['j', [1, 2, 3, 4]], ['c', [200]]]);
  });

  it('refuses bad framing', () => {
    const { body } = framed({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } }] }, new Uint8Array(4));
    expect(failure(() => splitInferBody(body, { 'inference-header-content-length': '-1' }))).toBe('400 INVALID_INPUT');
    expect(failure(() => splitInferBody(body, { 'inference-header-content-length': String(body.byteLength + 1) }))).toBe('400 INVALID_INPUT');
    expect(failure(() => splitInferBody(Buffer.from('{"in'), {}))).toBe('400 INVALID_JSON');
    expect(failure(() => splitInferBody({ inputs: [] }, { 'inference-header-content-length': '3' }))).toBe('400 INVALID_INPUT');
    expect(failure(() => parseRestInferRequest(Buffer.concat([body, Buffer.from([0])]), { 'inference-header-content-length': String(body.byteLength - 4) }))).toBe('400 INVALID_INPUT');
    expect(failure(() => parseRestInferRequest({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32' }] }, {}))).toBe('400 INVALID_INPUT');
    expect(failure(() => parseRestInferRequest({ inputs: [{ name: 'x', shape: [-1], datatype: 'FP32', data: [1] }] }, {}))).toBe('400 VALIDATION_FAILED');
    expect(failure(() => parseRestInferRequest({ inputs: [{ name: 'x', shape: Array(9).fill(1), datatype: 'FP32', data: [1] }] }, {}))).toBe('400 VALIDATION_FAILED');
  });

  it('writes binary outputs after the JSON header, with their sizes, and JSON outputs inline', () => {
    const response = formatRestInferResponse({
      model_name: 'm',
      model_version: '2',
      outputs: [
        { name: 'raw', datatype: 'FP32', shape: [2], tensor: { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) }, binary: true },
        { name: 'json', datatype: 'BOOL', shape: [2], tensor: { dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) }, binary: false },
      ],
    });
    const body = response.body as Buffer;
    const header = JSON.parse(body.subarray(0, response.headerLength).toString());
    expect(header).toEqual({
      model_name: 'm',
      model_version: '2',
      outputs: [
        { name: 'raw', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } },
        { name: 'json', shape: [2], datatype: 'BOOL', data: [true, false] },
      ],
    });
    expect(Array.from(new Float32Array(new Uint8Array(body.subarray(response.headerLength)).buffer))).toEqual([1, 2]);
    expect(formatRestInferResponse({ model_name: 'm', model_version: '1', outputs: [] })).toEqual({ body: { model_name: 'm', model_version: '1', outputs: [] } });
  });
});
