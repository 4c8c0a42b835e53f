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
 * request id, timing) is serialised here, and the encoded results are copied in once.
 * JSON: `{"modelId","requestId","version","results":[...],"timing"}`, as the route always answered.
 * Binary: that envelope as the JSON header, with each output's header entry in place of its data,
 * followed by the tensor bytes (binary-tensors.ts describes the layout).
 */
export function assembleAnswer(fields: AnswerFields, items: EncodedItem[]): InferenceAnswer {
  const { modelId, requestId, version, timing } = fields;
  if (items.length > 0 && items.every((item) => item.kind === 'binary')) {
    const results = items.flatMap((item) => (item.kind === 'binary' ? item.headers.map((outputs) => ({ outputs })) : []));
    const header = Buffer.from(JSON.stringify({ modelId, requestId, version, results, timing }), 'utf8');
    const body = Buffer.concat([header, ...items.map((item) => (item.kind === 'binary' ? item.bytes : Buffer.alloc(0)))]);
    return { body, contentType: BINARY_CONTENT_TYPE, headers: { [BINARY_HEADER_LENGTH_HEADER]: String(header.length) } };
  }
  const head = `{"modelId":${JSON.stringify(modelId)},"requestId":${JSON.stringify(requestId)},"version":${JSON.stringify(version)},"results":[`;
  const parts: Buffer[] = [Buffer.from(head, 'utf8')];
  let first = true;
  for (const item of items) {
    if (item.kind !== 'json' || item.results === 0) continue;
    if (!first) parts.push(COMMA);
    parts.push(item.json);
    first = false;
  }
  parts.push(Buffer.from(`],"timing":${JSON.stringify(timing)}}`, 'utf8'));
  return { body: Buffer.concat(parts), contentType: JSON_CONTENT_TYPE, headers: {} };
}

const COMMA = Buffer.from(',');
