import type { NamedTensors, Tensor } from '../../engines/sdk/index.js';
import type { ModelTask, ResolvedPostprocess } from '../models/model-config.js';
import { BinaryTensorHeader, encodeBinaryOutputs } from './binary-tensors.js';
import type { ImageTransform } from './image-preprocessor.js';
import { classify, ClassPrediction, detect, Detection, PostprocessOverrides } from './postprocess.js';
import { jsonFromTypedData } from './tensor-codec.js';

/**
 * Postprocessing and encoding of one queue item's outputs into the bytes of its results, as the
 * REST inference route answers them. Pure and free of Nest and Fastify, so the same code runs on
 * the main thread (small outputs) and in the encoder threads (response-encoder.worker.ts).
 */

export interface JsonTensorOut {
  shape: number[];
  dtype: string;
  data: Array<number | string | boolean>;
}

export type ItemOutcome = { predictions: ClassPrediction[] } | { detections: Detection[] } | { outputs: Record<string, JsonTensorOut> };

/** What a request may ask of the encoding. */
export interface EncodingOptions extends PostprocessOverrides {
  output?: 'raw';
  encoding?: 'json' | 'binary';
}

/** The deployment's part of the job: the same object for every item of a deployment (encoder threads cache it). */
export interface EncodingConfig {
  task: ModelTask;
  postprocess: ResolvedPostprocess;
  /** The output postprocessing reads when the config names none. */
  primaryOutput?: string;
}

export interface EncodeJob {
  /** 'image': one result for the image; 'tensor': one result per row of a classification output, else the raw outputs. */
  source: 'image' | 'tensor';
  outputs: NamedTensors;
  /** Where the image sat in the model input (image items of detection models). */
  transform: ImageTransform | null;
  options: EncodingOptions;
}

/**
 * One item's results, encoded into `bytes[start, end)`. JSON: the UTF-8 text of its result
 * objects separated by commas (no brackets), so the results of several items join with a comma.
 * Binary: the tensor bytes of its outputs, with their header entries in `headers`.
 *
 * Room is left free before `start` and after `end`, so the envelope of a one-item response (the
 * JSON head and tail, or the binary header) can be written around the results in place: the
 * event loop then sends a view of this buffer instead of copying megabytes into a new one
 * (on a busy host, touching fresh pages for a copy costs far more than the copy itself).
 */
export type EncodedItem = { kind: 'json'; bytes: Buffer; start: number; end: number; results: number } | { kind: 'binary'; bytes: Buffer; start: number; end: number; headers: Array<Record<string, BinaryTensorHeader>> };

/** Free bytes before and after the results for the envelope (more before binary results: the header lists every output). */
export const ENVELOPE_HEAD_ROOM = 1024;
export const ENVELOPE_TAIL_ROOM = 256;

/** A client-facing failure of postprocessing, as plain data (it crosses threads). */
export interface EncodeFailure {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

export class EncodeError extends Error {
  constructor(readonly failure: EncodeFailure) {
    super(failure.message);
  }
}

export function rawOutputs(outputs: NamedTensors): Record<string, JsonTensorOut> {
  const json: Record<string, JsonTensorOut> = {};
  for (const [name, tensor] of Object.entries(outputs)) json[name] = { shape: tensor.shape, dtype: tensor.dtype, data: jsonFromTypedData(tensor) };
  return json;
}

/** Postprocesses and encodes one item. Throws EncodeError for failures the client should see. */
export function encodeItem(config: EncodingConfig, job: EncodeJob): EncodedItem {
  const raw = job.options.output === 'raw' || config.task === 'raw' || (job.source === 'tensor' && config.task !== 'classification');
  if (raw && job.options.encoding === 'binary') {
    const { headers, chunks } = encodeBinaryOutputs([job.outputs]);
    const headRoom = ENVELOPE_HEAD_ROOM + Buffer.byteLength(JSON.stringify(headers), 'utf8') + 32;
    const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const bytes = Buffer.allocUnsafeSlow(headRoom + length);
    let offset = headRoom;
    for (const chunk of chunks) offset += chunk.copy(bytes, offset);
    return { kind: 'binary', headers, bytes, start: headRoom, end: offset };
  }
  const results: ItemOutcome[] = raw ? [{ outputs: rawOutputs(job.outputs) }] : postprocess(config, job);
  // JSON.stringify of plain number arrays is the fastest encoder measured here (a typed array's
  // join or a hand-written loop take 2–4× as long), and gives exactly the bytes clients had before.
  const text = results.map((result) => JSON.stringify(result)).join(',');
  const length = Buffer.byteLength(text, 'utf8');
  // Its own ArrayBuffer (never a slice of Node's shared pool), so an encoder thread can transfer it.
  const bytes = Buffer.allocUnsafeSlow(ENVELOPE_HEAD_ROOM + length + ENVELOPE_TAIL_ROOM);
  bytes.write(text, ENVELOPE_HEAD_ROOM, 'utf8');
  return { kind: 'json', bytes, start: ENVELOPE_HEAD_ROOM, end: ENVELOPE_HEAD_ROOM + length, results: results.length };
}

function postprocess(config: EncodingConfig, job: EncodeJob): ItemOutcome[] {
  const primary = primaryOutput(config, job.outputs);
  const { postprocess: post } = config;
  if (job.source === 'tensor') {
    // Classification over tensors: one result per row of the request (its first dimension).
    const rows = primary.shape.length > 1 ? primary.shape[0] : 1;
    const rowLength = rows > 0 ? primary.data.length / rows : 0;
    return Array.from({ length: rows }, (_, row) => {
      const data = primary.data.slice(row * rowLength, (row + 1) * rowLength) as Tensor['data'];
      return { predictions: classify({ ...primary, shape: [1, rowLength], data }, post, job.options) };
    });
  }
  if (config.task === 'classification') return [{ predictions: classify(primary, post, job.options) }];
  if (!job.transform) throw new EncodeError({ status: 400, code: 'INVALID_INPUT', message: 'Detection needs an image input' });
  try {
    return [{ detections: detect(primary, post, job.transform, job.options) }];
  } catch (error) {
    throw new EncodeError({ status: 500, code: 'POSTPROCESS_FAILED', message: 'The model output does not match the configured detection format', details: { reason: (error as Error).message } });
  }
}

function primaryOutput(config: EncodingConfig, outputs: NamedTensors): Tensor {
  const name = config.postprocess.output ?? config.primaryOutput;
  const tensor = (name && outputs[name]) || Object.values(outputs)[0];
  if (!tensor) throw new EncodeError({ status: 500, code: 'POSTPROCESS_FAILED', message: 'The model returned no outputs' });
  return tensor;
}

/** Elements of every output: the encoder sends items past a threshold to its threads. */
export function outputElements(outputs: NamedTensors): number {
  let count = 0;
  for (const tensor of Object.values(outputs)) count += tensor.data.length;
  return count;
}
