import { BINARY_CONTENT_TYPE, BINARY_HEADER_LENGTH_HEADER } from '../serving/binary-tensors.js';
import type { Timing } from '../serving/inference-pipeline.js';
import type { EncodedItem } from '../serving/response-encoding.js';

/** The finished body of an inference response, sent as is (Fastify's serialiser never sees it). */
export interface InferenceAnswer {
  body: Buffer;
  contentType: string;
  headers: Record<string, string>;
}

export interface AnswerFields {
  modelId: string;
  requestId: string;
  version: number;
  timing: Timing;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Wraps items encoded off the event loop into the response body: only the envelope (model, version,
 * request id, timing) is serialised here. JSON: `{"modelId","requestId","version","results":[...],"timing"}`,
 * as the route always answered. Binary: that envelope as the JSON header, with each output's header
 * entry in place of its data, followed by the tensor bytes (binary-tensors.ts describes the layout).
 * A one-item answer is written around the item's bytes in the room the encoder left (no copy);
 * several items are concatenated.
 */
export function assembleAnswer(fields: AnswerFields, items: EncodedItem[]): InferenceAnswer {
  const { modelId, requestId, version, timing } = fields;
  if (items.length > 0 && items.every((item) => item.kind === 'binary')) {
    const results = items.flatMap((item) => (item.kind === 'binary' ? item.headers.map((outputs) => ({ outputs })) : []));
    const header = Buffer.from(JSON.stringify({ modelId, requestId, version, results, timing }), 'utf8');
    const body = frame(header, items, Buffer.alloc(0), null);
    return { body, contentType: BINARY_CONTENT_TYPE, headers: { [BINARY_HEADER_LENGTH_HEADER]: String(header.length) } };
  }
  const head = Buffer.from(`{"modelId":${JSON.stringify(modelId)},"requestId":${JSON.stringify(requestId)},"version":${JSON.stringify(version)},"results":[`, 'utf8');
  const tail = Buffer.from(`],"timing":${JSON.stringify(timing)}}`, 'utf8');
  const withResults = items.filter((item) => item.kind === 'json' && item.results > 0);
  return { body: frame(head, withResults, tail, COMMA), contentType: JSON_CONTENT_TYPE, headers: {} };
}

/** head + items (with `separator` between) + tail; in place around a lone item when its room allows. */
function frame(head: Buffer, items: EncodedItem[], tail: Buffer, separator: Buffer | null): Buffer {
  if (items.length === 1) {
    const [{ bytes, start, end }] = items;
    if (start >= head.length && bytes.length - end >= tail.length) {
      head.copy(bytes, start - head.length);
      tail.copy(bytes, end);
      return bytes.subarray(start - head.length, end + tail.length);
    }
  }
  const parts: Buffer[] = [head];
  items.forEach((item, index) => {
    if (index > 0 && separator) parts.push(separator);
    parts.push(item.bytes.subarray(item.start, item.end));
  });
  parts.push(tail);
  return Buffer.concat(parts);
}

const COMMA = Buffer.from(',');
