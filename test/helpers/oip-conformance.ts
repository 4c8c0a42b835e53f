/**
 * Response schemas written from the Open Inference Protocol specification (REST: required
 * fields and types of each response object; gRPC: the same objects as proto messages) plus the
 * checks the schemas imply: datatypes from the protocol's list, data elements of the datatype's
 * kind, and len(data) == prod(shape). Every v2 response the suite receives goes through these.
 */
import { z } from 'zod';

export const OIP_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES', 'BF16'] as const;
const datatype = z.enum(OIP_DATATYPES);
const int = z.number().int();

export const errorSchema = z.strictObject({ error: z.string().min(1) });
export const serverMetadataSchema = z.object({ name: z.string().min(1), version: z.string().min(1), extensions: z.array(z.string()) });
const tensorMetadata = z.object({ name: z.string().min(1), datatype, shape: z.array(int.min(-1)) });
export const modelMetadataSchema = z.object({
  name: z.string().min(1),
  versions: z.array(z.string()).optional(),
  platform: z.string().min(1),
  inputs: z.array(tensorMetadata).optional(),
  outputs: z.array(tensorMetadata).optional(),
  properties: z.record(z.string(), z.string()).optional(),
});
export const liveSchema = z.object({ live: z.boolean() });
export const readySchema = z.object({ ready: z.boolean() });
export const modelReadySchema = z.object({ name: z.string(), ready: z.boolean() });
const parameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const responseOutput = z.object({ name: z.string().min(1), shape: z.array(int.min(0)), datatype, parameters: parameters.optional(), data: z.array(z.unknown()).optional() });
export const inferResponseSchema = z.object({
  model_name: z.string().min(1),
  model_version: z.string().optional(),
  id: z.string().optional(),
  parameters: parameters.optional(),
  outputs: z.array(responseOutput),
});
const statDuration = z.strictObject({ count: int.min(0), ns: int.min(0) });
export const statisticsSchema = z.object({
  model_stats: z.array(
    z.object({
      name: z.string().min(1),
      version: z.string(),
      last_inference: int.min(0),
      inference_count: int.min(0),
      execution_count: int.min(0),
      inference_stats: z.object({ success: statDuration, fail: statDuration, queue: statDuration, compute_input: statDuration, compute_infer: statDuration, compute_output: statDuration }),
      batch_stats: z.array(z.object({ batch_size: int.min(1), compute_input: statDuration, compute_infer: statDuration, compute_output: statDuration })),
    }),
  ),
});
export const repositoryIndexSchema = z.array(z.object({ name: z.string().min(1), version: z.string().optional(), state: z.string().min(1), reason: z.string().optional() }));

export function product(shape: readonly number[]): number {
  return shape.reduce((total, dim) => total * dim, 1);
}

function flatten(values: unknown[]): unknown[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value]));
}

/** Does `value` belong to `type`'s element kind (JSON)? */
export function elementMatches(type: string, value: unknown): boolean {
  if (type === 'BOOL') return typeof value === 'boolean';
  if (type === 'BYTES') return typeof value === 'string';
  if (type.startsWith('FP') || type === 'BF16') return typeof value === 'number' || value === null;
  return typeof value === 'number' && Number.isInteger(value);
}

export function checkJsonTensor(tensor: { name: string; shape: number[]; datatype: string; data?: unknown[] }): void {
  if (!tensor.data) throw new Error(`output ${tensor.name}: no data and no binary_data_size`);
  const flat = flatten(tensor.data);
  if (flat.length !== product(tensor.shape)) throw new Error(`output ${tensor.name}: len(data) ${flat.length} != prod(shape [${tensor.shape}]) ${product(tensor.shape)}`);
  const bad = flat.findIndex((value) => !elementMatches(tensor.datatype, value));
  if (bad !== -1) throw new Error(`output ${tensor.name}: element ${bad} (${JSON.stringify(flat[bad])}) is not ${tensor.datatype}`);
}

const BYTE_SIZES: Record<string, number> = { BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, BF16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8 };

/** Raw bytes of a tensor must hold prod(shape) elements (BYTES: 4-byte length prefixes). */
export function checkRawTensor(name: string, datatype: string, shape: number[], bytes: Uint8Array): void {
  const count = product(shape);
  if (datatype === 'BYTES') {
    let offset = 0;
    let elements = 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (offset < bytes.byteLength) {
      offset += 4 + view.getUint32(offset, true);
      elements += 1;
    }
    if (offset !== bytes.byteLength || elements !== count) throw new Error(`output ${name}: raw BYTES hold ${elements} elements, shape needs ${count}`);
    return;
  }
  if (bytes.byteLength !== BYTE_SIZES[datatype] * count) throw new Error(`output ${name}: ${bytes.byteLength} raw bytes for ${count} ${datatype} elements`);
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`${what} does not match the protocol schema: ${JSON.stringify(result.error.issues)}\nbody: ${JSON.stringify(body)?.slice(0, 2000)}`);
  return result.data;
}

/** Picks the schema for a v2 REST route and checks a response against it. */
export function checkV2Response(method: string, path: string, status: number, body: unknown, binary?: Buffer): void {
  const route = path.split('?')[0].replace(/\/$/, '');
  // Readiness answers its boolean with the status code (503 = not ready) and keeps its body then.
  const notReady = status === 503 && /\/ready$/.test(route) && (body as { ready?: unknown } | undefined)?.ready === false;
  if (status >= 400 && !notReady) {
    parseWith(errorSchema, body, `${method} ${route} ${status} error body`);
    return;
  }
  if (route === '/v2') parseWith(serverMetadataSchema, body, 'server metadata');
  else if (route === '/v2/health/live') parseWith(liveSchema, body, 'live');
  else if (route === '/v2/health/ready') parseWith(readySchema, body, 'ready');
  else if (route === '/v2/repository/index') parseWith(repositoryIndexSchema, body, 'repository index');
  else if (/^\/v2\/repository\/models\/[^/]+\/(load|unload)$/.test(route)) {
    if (body !== undefined && body !== '') throw new Error(`load/unload answer 200 with an empty body, got ${JSON.stringify(body)}`);
  } else if (/\/stats$/.test(route)) parseWith(statisticsSchema, body, 'statistics');
  else if (/\/ready$/.test(route)) parseWith(modelReadySchema, body, 'model ready');
  else if (/\/infer$/.test(route)) {
    const response = parseWith(inferResponseSchema, body, 'inference response');
    let offset = 0;
    for (const output of response.outputs) {
      const size = output.parameters?.binary_data_size;
      if (size === undefined) {
        checkJsonTensor(output);
        continue;
      }
      if (output.data !== undefined) throw new Error(`output ${output.name}: both data and binary_data_size`);
      if (!binary || typeof size !== 'number') throw new Error(`output ${output.name}: binary_data_size without binary data`);
      checkRawTensor(output.name, output.datatype, output.shape, binary.subarray(offset, offset + size));
      offset += size;
    }
    if ((binary?.byteLength ?? 0) !== offset) throw new Error(`binary part has ${binary?.byteLength} bytes, outputs claim ${offset}`);
  } else if (/^\/v2\/models\/[^/]+(\/versions\/[^/]+)?$/.test(route)) parseWith(modelMetadataSchema, body, 'model metadata');
  else throw new Error(`no protocol schema for ${method} ${route}`);
}

export interface V2Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
  /** The binary tensors after the JSON header, when the response had any. */
  binary?: Buffer;
}

/** fetch against a /v2 route; the body (JSON or JSON + binary tensors) is checked before it is returned. */
export async function v2Fetch<T = any>(baseUrl: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<V2Response<T>> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${baseUrl}${path}`, { ...init, headers, body });
  const bytes = Buffer.from(await response.arrayBuffer());
  const headerLength = response.headers.get('inference-header-content-length');
  let parsed: unknown;
  let binary: Buffer | undefined;
  if (headerLength !== null) {
    parsed = JSON.parse(bytes.subarray(0, Number(headerLength)).toString('utf8'));
    binary = bytes.subarray(Number(headerLength));
    if (!/application\/octet-stream/.test(response.headers.get('content-type') ?? '')) throw new Error('a binary response must be application/octet-stream');
  } else if (bytes.byteLength > 0) {
    const text = bytes.toString('utf8');
    if (!/application\/json/.test(response.headers.get('content-type') ?? '')) throw new Error(`v2 ${path} answered ${response.status} with content-type ${response.headers.get('content-type')}: ${text.slice(0, 200)}`);
    parsed = JSON.parse(text);
  }
  checkV2Response(init.method ?? 'GET', path, response.status, parsed, binary);
  return { status: response.status, headers: response.headers, body: parsed as T, binary };
}

/** A v2 binary request body: the JSON header followed by each input's raw bytes. */
export function binaryBody(header: unknown, tensors: Uint8Array[]): { body: Buffer; headers: Record<string, string> } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return {
    body: Buffer.concat([json, ...tensors.map((tensor) => Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength))]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.byteLength) },
  };
}

/** gRPC ModelInferResponse: the REST schema's fields, with every output in raw_output_contents. */
export function checkGrpcInferResponse(message: any): void {
  parseWith(z.object({ model_name: z.string().min(1), model_version: z.string(), id: z.string(), outputs: z.array(responseOutput.omit({ parameters: true, data: true }).extend({ parameters: z.record(z.string(), z.unknown()) })), raw_output_contents: z.array(z.instanceof(Buffer)) }), message, 'gRPC ModelInferResponse');
  if (message.raw_output_contents.length !== message.outputs.length) throw new Error('raw_output_contents must hold one entry per output');
  message.outputs.forEach((output: { name: string; datatype: string; shape: number[] }, index: number) => checkRawTensor(output.name, output.datatype, output.shape, message.raw_output_contents[index]));
}

export function checkGrpcMessage(rpc: string, message: unknown): void {
  if (rpc === 'ServerLive') parseWith(liveSchema, message, rpc);
  else if (rpc === 'ServerReady') parseWith(readySchema, message, rpc);
  else if (rpc === 'ModelReady') parseWith(readySchema, message, rpc);
  else if (rpc === 'ServerMetadata') parseWith(serverMetadataSchema, message, rpc);
  else if (rpc === 'ModelMetadata') parseWith(modelMetadataSchema, message, rpc);
  else if (rpc === 'ModelInfer') checkGrpcInferResponse(message);
  else throw new Error(`no schema for ${rpc}`);
}

/** A gRPC error: a non-OK status with a readable message (the `error` of the REST body). */
export function checkGrpcError(error: any): void {
  parseWith(z.object({ code: int.min(1).max(16), details: z.string().min(1) }).loose(), error, 'gRPC error status');
}

/** The stable error code a v2 REST error carries beside its `{"error"}` body. */
export const errorCode = (response: { headers: Headers }) => response.headers.get('x-error-code');
