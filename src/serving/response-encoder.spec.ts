import { afterEach, describe, expect, it } from 'vitest';
import type { NamedTensors } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import type { ResolvedPostprocess } from '../models/model-config.js';
import { assembleAnswer } from '../inference/inference-answer.js';
import { decodeBinaryBody } from './binary-tensors.js';
import { ResponseEncoder, ResponseEncoderOptions } from './response-encoder.js';
import { EncodedItem, EncodingConfig, rawOutputs } from './response-encoding.js';

const post = (overrides: Partial<ResolvedPostprocess> = {}): ResolvedPostprocess => ({
  labels: [],
  topK: 3,
  softmax: 'auto',
  format: 'yolov8',
  scoreThreshold: 0.25,
  iouThreshold: 0.45,
  maxDetections: 300,
  ...overrides,
});
const timing = { queueMs: 0, preprocessMs: 1, inferenceMs: 2, postprocessMs: 3, totalMs: 6 };

/** A dense map like a text detector's, with values JSON must spell out in full and two it cannot. */
function denseMap(length: number): NamedTensors {
  const data = new Float32Array(length);
  for (let index = 0; index < length; index++) data[index] = Math.sin(index) / 3;
  data[7] = Number.NaN;
  data[11] = Number.POSITIVE_INFINITY;
  return { map: { dtype: 'float32', shape: [1, length], data } };
}

const copy = (outputs: NamedTensors): NamedTensors =>
  Object.fromEntries(Object.entries(outputs).map(([name, tensor]) => [name, { ...tensor, data: (tensor.data as Float32Array).slice() }]));

const payload = (item: EncodedItem) => item.bytes.subarray(item.start, item.end);
const jsonOf = (item: EncodedItem) => (item.kind === 'json' ? JSON.parse(`[${payload(item).toString('utf8')}]`) : undefined);

describe('ResponseEncoder (real encoder threads)', () => {
  let encoder: ResponseEncoder | undefined;
  afterEach(async () => {
    await encoder?.onModuleDestroy();
    encoder = undefined;
  });

  it('a thread encodes raw outputs to exactly the bytes the event loop would, and the outputs move there by transfer', async () => {
    encoder = new ResponseEncoder(new ResponseEncoderOptions(2, 0));
    const inline = new ResponseEncoder(new ResponseEncoderOptions(0));
    const config: EncodingConfig = { task: 'raw', postprocess: post() };
    const outputs = denseMap(50_000);
    const expected = await inline.encode(config, { source: 'image', outputs: copy(outputs), transform: null, options: { output: 'raw' } });
    const sent = outputs.map.data as Float32Array;
    const threaded = await encoder.encode(config, { source: 'image', outputs, transform: null, options: { output: 'raw' } });
    expect(sent.length).toBe(0); // detached: moved, not cloned
    expect(threaded.kind).toBe('json');
    expect(Buffer.compare(payload(threaded), payload(expected))).toBe(0);
    const [result] = jsonOf(threaded);
    expect(result.outputs.map.data[7]).toBeNull();
    expect(result.outputs.map.data[11]).toBeNull();
    expect(result.outputs.map.data[1]).toBe(Math.fround(Math.sin(1) / 3));
    expect(result).toEqual({ outputs: rawOutputs(denseMap(50_000)) });
  });

  it('binary items come back as header entries and little-endian bytes equal to the tensor', async () => {
    encoder = new ResponseEncoder(new ResponseEncoderOptions(1, 0));
    const outputs = denseMap(4096);
    const original = (outputs.map.data as Float32Array).slice();
    const item = await encoder.encode({ task: 'raw', postprocess: post() }, { source: 'image', outputs, transform: null, options: { output: 'raw', encoding: 'binary' } });
    const answer = assembleAnswer({ modelId: 'm', requestId: 'r', version: 2, timing }, [item]);
    const decoded = decodeBinaryBody(answer.body, Number(answer.headers['Inference-Header-Content-Length']));
    expect(decoded.header).toMatchObject({ modelId: 'm', requestId: 'r', version: 2, timing });
    expect(Array.from(decoded.results[0].map.data as Float32Array)).toEqual(Array.from(original));
  });

  it('classification with labels runs in the thread (the config sent once) and answers as the event loop does', async () => {
    encoder = new ResponseEncoder(new ResponseEncoderOptions(1, 0));
    const labels = Array.from({ length: 3000 }, (_, index) => `class ${index} ✓`);
    const config: EncodingConfig = { task: 'classification', postprocess: post({ labels }) };
    const scores = () => ({ logits: { dtype: 'float32' as const, shape: [1, 3000], data: Float32Array.from({ length: 3000 }, (_, index) => (index === 2999 ? 99 : index % 17)) } });
    const answers = [];
    for (let round = 0; round < 3; round++) answers.push(jsonOf(await encoder.encode(config, { source: 'image', outputs: scores(), transform: null, options: { topK: 2 } })));
    const inline = jsonOf(await new ResponseEncoder(new ResponseEncoderOptions(0)).encode(config, { source: 'image', outputs: scores(), transform: null, options: { topK: 2 } }));
    expect(answers).toEqual([inline, inline, inline]);
    expect(inline[0].predictions[0]).toMatchObject({ index: 2999, label: 'class 2999 ✓' });
  });

  it('a replaced thread is sent the deployment config again (it knows none of the old one)', async () => {
    encoder = new ResponseEncoder(new ResponseEncoderOptions(1, 0));
    const config: EncodingConfig = { task: 'classification', postprocess: post({ labels: ['left', 'right'], topK: 1 }) };
    const scores = () => ({ p: { dtype: 'float32' as const, shape: [1, 2], data: Float32Array.of(0.2, 0.8) } });
    expect(jsonOf(await encoder.encode(config, { source: 'image', outputs: scores(), transform: null, options: {} }))[0].predictions[0].label).toBe('right');
    // The thread goes away (as after a crash); the next call spawns a fresh one.
    await (encoder as unknown as { threads: Array<{ channel: { terminate(): Promise<void> } }> }).threads[0].channel.terminate();
    expect(jsonOf(await encoder.encode(config, { source: 'image', outputs: scores(), transform: null, options: {} }))[0].predictions[0].label).toBe('right');
  });

  it("a postprocessing failure in a thread is the client's ApiError (status, code, details), and the thread keeps serving", async () => {
    encoder = new ResponseEncoder(new ResponseEncoderOptions(1, 0));
    const config: EncodingConfig = { task: 'detection', postprocess: post() };
    const bad = { out: { dtype: 'float32' as const, shape: [2, 3, 4, 5], data: new Float32Array(120) } };
    const transform = { originalWidth: 10, originalHeight: 10, scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0 };
    const failure = await encoder.encode(config, { source: 'image', outputs: bad, transform, options: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'POSTPROCESS_FAILED', details: { reason: expect.stringContaining('detection output') } });
    expect((failure as ApiError).getStatus()).toBe(500);
    const good = await encoder.encode({ task: 'raw', postprocess: post() }, { source: 'image', outputs: denseMap(10), transform: null, options: {} });
    expect(jsonOf(good)).toHaveLength(1);
  });

  it('a tensor classification result gives one prediction list per row; the JSON envelope keeps its field order', async () => {
    encoder = new ResponseEncoder(new ResponseEncoderOptions(1, 0));
    const config: EncodingConfig = { task: 'classification', postprocess: post({ labels: ['a', 'b'] }) };
    const outputs = { probs: { dtype: 'float32' as const, shape: [2, 2], data: Float32Array.of(0.9, 0.1, 0.2, 0.8) } };
    const item = await encoder.encode(config, { source: 'tensor', outputs, transform: null, options: {} });
    const answer = assembleAnswer({ modelId: 'm"1', requestId: 'r', version: 1, timing }, [item, item]);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    const body = JSON.parse(answer.body.toString('utf8'));
    expect(Object.keys(body)).toEqual(['modelId', 'requestId', 'version', 'results', 'timing']);
    expect(body.modelId).toBe('m"1');
    expect(body.results.map((result: { predictions: Array<{ label: string }> }) => result.predictions[0].label)).toEqual(['a', 'b', 'a', 'b']);
    // One item: the envelope is written around it in place, and the answer is a view of its bytes.
    const lone = assembleAnswer({ modelId: 'm', requestId: 'r', version: 1, timing }, [item]);
    expect(lone.body.buffer).toBe(item.bytes.buffer);
    expect(JSON.parse(lone.body.toString('utf8'))).toEqual({ modelId: 'm', requestId: 'r', version: 1, results: body.results.slice(0, 2), timing });
  });

  it('an envelope too long for the room left is concatenated instead, with the same bytes', async () => {
    encoder = new ResponseEncoder(new ResponseEncoderOptions(1, 0));
    const item = await encoder.encode({ task: 'raw', postprocess: post() }, { source: 'image', outputs: denseMap(3000), transform: null, options: { output: 'raw' } });
    const longId = 'x'.repeat(5000);
    const answer = assembleAnswer({ modelId: 'm', requestId: longId, version: 1, timing }, [item]);
    expect(answer.body.buffer).not.toBe(item.bytes.buffer);
    const body = JSON.parse(answer.body.toString('utf8'));
    expect(body.requestId).toBe(longId);
    expect(body.results[0].outputs.map.data).toHaveLength(3000);
  });
});
