import { describe, expect, it } from 'vitest';
import { apiFailure as failure } from '../common/testing/api-failure.js';
import { peerAddress } from './grpc-call-auth.js';
import { fromGrpcInferRequest, toGrpcInferResponse } from './grpc-codec.js';


describe('gRPC ModelInfer codec', () => {
  it('reads typed contents by datatype, BYTES as UTF-8, and the priority/timeout parameters', () => {
    const request = fromGrpcInferRequest({
      model_name: 'm',
      id: 'q',
      parameters: { priority: { parameter_choice: 'int64_param', int64_param: 7 }, timeoutMs: { parameter_choice: 'int64_param', int64_param: 500 }, other: { parameter_choice: 'string_param', string_param: 'x' } },
      inputs: [
        { name: 'a', datatype: 'fp32', shape: [2], contents: { fp32_contents: [1.5, 2] } },
        { name: 'b', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('çà')] } },
        { name: 'c', datatype: 'BOOL', shape: [1], contents: { bool_contents: [true] } },
      ],
      outputs: [{ name: 'y' }],
    });
    expect(request).toMatchObject({ id: 'q', priority: 7, timeoutMs: 500, outputs: [{ name: 'y' }] });
    expect(request.inputs.map((input) => [input.datatype, input.values])).toEqual([['FP32', [1.5, 2]], ['BYTES', ['çà']], ['BOOL', [true]]]);
  });

  it('reads raw contents one entry per input, and refuses what the protocol forbids', () => {
    const raw = fromGrpcInferRequest({ inputs: [{ name: 'a', datatype: 'INT32', shape: [2] }], raw_input_contents: [Buffer.from(Int32Array.from([3, -4]).buffer)] });
    expect(raw.inputs[0].values).toEqual([3, -4]);
    expect(failure(() => fromGrpcInferRequest({ inputs: [] }))).toBe('400 VALIDATION_FAILED');
    expect(failure(() => fromGrpcInferRequest({ inputs: [{ name: '', datatype: 'FP32', shape: [1] }] }))).toBe('400 VALIDATION_FAILED');
    expect(failure(() => fromGrpcInferRequest({ inputs: [{ name: 'a', datatype: 'FP32', shape: [-1] }] }))).toBe('400 INVALID_INPUT');
    expect(failure(() => fromGrpcInferRequest({ inputs: [{ name: 'a', datatype: 'FP16', shape: [1], contents: {} }] }))).toBe('400 INVALID_INPUT');
    expect(failure(() => fromGrpcInferRequest({ inputs: [{ name: 'a', datatype: 'FP32', shape: [1] }, { name: 'b', datatype: 'FP32', shape: [1] }], raw_input_contents: [Buffer.alloc(4)] }))).toBe('400 INVALID_INPUT');
    expect(failure(() => fromGrpcInferRequest({ inputs: [{ name: 'a', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }], raw_input_contents: [Buffer.alloc(4)] }))).toBe('400 INVALID_INPUT');
    expect(failure(() => fromGrpcInferRequest({ inputs: [{ name: 'a', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from([0xff])] } }] }))).toBe('400 INVALID_INPUT');
    expect(failure(() => fromGrpcInferRequest({ parameters: { priority: { parameter_choice: 'int64_param', int64_param: 5000 } }, inputs: [{ name: 'a', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }] }))).toBe('400 VALIDATION_FAILED');
  });

  it('answers every output in raw_output_contents', () => {
    const response = toGrpcInferResponse({ model_name: 'm', model_version: '1', outputs: [{ name: 'y', datatype: 'FP32', shape: [1], tensor: { dtype: 'float32', shape: [1], data: Float32Array.from([2]) }, binary: false }] });
    expect(response).toMatchObject({ model_name: 'm', model_version: '1', id: '', outputs: [{ name: 'y', datatype: 'FP32', shape: [1] }] });
    expect(response.raw_output_contents[0]).toEqual(Buffer.from(Float32Array.from([2]).buffer));
  });

  it('reads the peer address gRPC reports', () => {
    expect(peerAddress('ipv4:127.0.0.1:5555')).toBe('127.0.0.1');
    expect(peerAddress('ipv6:[::1]:5555')).toBe('::1');
    expect(peerAddress('unix:/tmp/x')).toBeUndefined();
  });
});
