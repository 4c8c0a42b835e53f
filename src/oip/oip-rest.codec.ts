import { z } from 'zod';
import type { DType } from '../../engines/sdk/index.js';
import { elementCount } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { describeIssues } from '../common/validation.js';
import { jsonFromTypedData } from '../serving/tensor-codec.js';
import { fromV2Datatype } from '../serving/v2-datatypes.js';
import type { OipInferRequest, OipInferResult, OipInput } from './oip.types.js';
import { decodeRawTensor, encodeRawTensor } from './tensor-bytes.js';

/** The binary tensor data extension's header: the byte length of the JSON part of the body. */
export const INFERENCE_HEADER_LENGTH = 'inference-header-content-length';

const MAX_RANK = 8;
const MAX_NESTING = 8;

export const v2InferRequestSchema = z.object({
  id: z.string().max(256).optional(),
  parameters: z
    .object({
      priority: z.number().int().min(-1000).max(1000).optional(),
      timeoutMs: z.number().int().min(1).max(600_000).optional(),
      binary_data_output: z.boolean().optional(),
    })
    .loose()
    .optional(),
  inputs: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        shape: z.array(z.number().int().min(0).max(2 ** 30)).max(MAX_RANK),
        datatype: z.string().min(1).max(16),
        data: z.array(z.unknown()).optional(),
        parameters: z.object({ binary_data_size: z.number().int().min(0).optional() }).loose().optional(),
      }),
    )
    .min(1)
    .max(64),
  outputs: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        parameters: z.object({ binary_data: z.boolean().optional() }).loose().optional(),
      }),
    )
    .max(64)
    .optional(),
});
export type V2InferRequest = z.infer<typeof v2InferRequestSchema>;

function badRequest(message: string, details?: unknown): ApiError {
  return ApiError.badRequest('INVALID_INPUT', message, details);
}

/** v2 allows nested row-major arrays; flatten them (bounded depth). */
function flatten(values: unknown[], depth = 0): unknown[] {
  if (depth > MAX_NESTING) throw badRequest('data is nested too deeply');
  if (!values.some(Array.isArray)) return values;
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value, depth + 1) : [value]));
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Splits a request body into its JSON object and the binary tensor data after it. A JSON body
 * arrives parsed; an application/octet-stream body arrives as bytes, with
 * Inference-Header-Content-Length giving the JSON part (absent: the whole body is JSON).
 */
export function splitInferBody(body: unknown, headers: Record<string, string | string[] | undefined>): { json: unknown; binary: Buffer } {
  const lengthHeader = firstHeader(headers[INFERENCE_HEADER_LENGTH]);
  if (!Buffer.isBuffer(body)) {
    if (lengthHeader !== undefined) throw ApiError.badRequest('INVALID_INPUT', 'Binary tensor data needs Content-Type: application/octet-stream');
    return { json: body, binary: Buffer.alloc(0) };
  }
  let headerLength = body.byteLength;
  if (lengthHeader !== undefined) {
    if (!/^\d{1,12}$/.test(lengthHeader.trim())) throw badRequest('Inference-Header-Content-Length must be a byte count');
    headerLength = Number(lengthHeader.trim());
    if (headerLength === 0 || headerLength > body.byteLength) {
      throw badRequest(`Inference-Header-Content-Length ${headerLength} does not fit the ${body.byteLength}-byte body`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(body.subarray(0, headerLength).toString('utf8'));
  } catch {
    throw ApiError.badRequest('INVALID_JSON', 'The inference header is not valid JSON');
  }
  return { json, binary: body.subarray(headerLength) };
}

/** Turns a v2 REST body (JSON, or JSON followed by binary tensors) into a protocol request. */
export function parseRestInferRequest(body: unknown, headers: Record<string, string | string[] | undefined>): OipInferRequest {
  const { json, binary } = splitInferBody(body, headers);
  const parsed = v2InferRequestSchema.safeParse(json ?? {});
  if (!parsed.success) throw ApiError.badRequest('VALIDATION_FAILED', 'Invalid v2 inference request', describeIssues(parsed.error));
  const request = parsed.data;
  let offset = 0;
  const inputs: OipInput[] = request.inputs.map((input) => {
    const size = input.parameters?.binary_data_size;
    if (size === undefined) {
      if (!input.data) throw badRequest(`Input "${input.name}" has neither data nor parameters.binary_data_size`, { input: input.name });
      return { name: input.name, datatype: input.datatype, shape: input.shape, values: flatten(input.data) };
    }
    if (input.data !== undefined) throw badRequest(`Input "${input.name}" has both data and binary_data_size`, { input: input.name });
    if (offset + size > binary.byteLength) {
      throw badRequest(`Input "${input.name}": binary_data_size ${size} runs past the ${binary.byteLength} bytes of binary data`, { input: input.name });
    }
    const bytes = binary.subarray(offset, offset + size);
    offset += size;
    const dtype = fromV2Datatype(input.datatype);
    if (!dtype) throw badRequest(`Input "${input.name}": unknown datatype ${input.datatype}`, { input: input.name });
    return { name: input.name, datatype: input.datatype, shape: input.shape, values: decodeRawTensor(input.name, dtype as DType, bytes, elementCount(input.shape)) };
  });
  if (offset !== binary.byteLength) throw badRequest(`The body has ${binary.byteLength - offset} bytes of binary data no input claims`);
  return {
    id: request.id,
    priority: request.parameters?.priority ?? 0,
    timeoutMs: request.parameters?.timeoutMs,
    inputs,
    outputs: request.outputs?.map((output) => ({ name: output.name, binary: output.parameters?.binary_data })),
    binaryOutputs: request.parameters?.binary_data_output,
  };
}

export interface RestInferResponse {
  /** The JSON response object, or the JSON followed by binary tensors. */
  body: Record<string, unknown> | Buffer;
  /** Set when the body carries binary tensors: the JSON part's byte length. */
  headerLength?: number;
}

/** The v2 response: JSON tensors, and any output asked for as binary appended after the JSON. */
export function formatRestInferResponse(result: OipInferResult): RestInferResponse {
  const binaries: Buffer[] = [];
  const outputs = result.outputs.map((output) => {
    const base = { name: output.name, shape: output.shape, datatype: output.datatype };
    if (!output.binary) return { ...base, data: jsonFromTypedData(output.tensor) };
    const bytes = encodeRawTensor(output.tensor);
    binaries.push(bytes);
    return { ...base, parameters: { binary_data_size: bytes.byteLength } };
  });
  const json = { model_name: result.model_name, model_version: result.model_version, ...(result.id !== undefined ? { id: result.id } : {}), outputs };
  if (binaries.length === 0) return { body: json };
  const header = Buffer.from(JSON.stringify(json), 'utf8');
  return { body: Buffer.concat([header, ...binaries]), headerLength: header.byteLength };
}
