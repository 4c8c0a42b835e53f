import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../common/api-error.js';
import { describeIssues } from '../common/validation.js';
import { resolveBody } from '../common/deferred-body.js';
import type { BufferLease, BufferPool } from '../common/buffer-pool.js';
import type { ImageBytes, InferenceOptions } from '../serving/inference-pipeline.js';
import type { JsonTensor } from '../serving/tensor-input.js';

export type InferenceBody = { kind: 'images'; images: ImageBytes; options: InferenceOptions } | { kind: 'tensors'; tensors: JsonTensor[]; options: InferenceOptions };

export interface ReaderLimits {
  maxImages: number;
  /** Total bytes of images in one request. */
  maxBytes: number;
}

const optionFields = {
  output: z.enum(['raw']).optional(),
  encoding: z.enum(['json', 'binary']).optional(),
  topK: z.coerce.number().int().min(1).max(1000).optional(),
  scoreThreshold: z.coerce.number().min(0).max(1).optional(),
  iouThreshold: z.coerce.number().min(0).max(1).optional(),
  priority: z.coerce.number().int().min(-1000).max(1000).optional(),
  timeoutMs: z.coerce.number().int().min(1).max(600_000).optional(),
};
/** Query strings may carry unrelated parameters; bodies and form fields must not. */
const queryOptionsSchema = z.object(optionFields);
const fieldOptionsSchema = z.strictObject(optionFields);
const tensorSchema = z.strictObject({ shape: z.unknown(), dtype: z.unknown().optional(), data: z.unknown() });
export const jsonBodySchema = z.strictObject({
  ...optionFields,
  image: z.string().optional(),
  images: z.array(z.string()).optional(),
  inputs: z.record(z.string(), tensorSchema).optional(),
});

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw ApiError.badRequest('VALIDATION_FAILED', 'Request validation failed', describeIssues(result.error));
  return result.data;
}

function toOptions(query: z.infer<typeof queryOptionsSchema>, body: Partial<z.infer<typeof queryOptionsSchema>>): InferenceOptions {
  const merged = { ...query, ...Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) };
  if (merged.encoding === 'binary' && merged.output !== 'raw') {
    throw ApiError.badRequest('VALIDATION_FAILED', 'encoding=binary needs output=raw', [{ field: 'encoding', message: 'binary encoding applies to raw outputs only' }]);
  }
  return { ...merged, priority: merged.priority ?? 0 };
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes base64 (plain, URL-safe, or a data: URL); the result is not yet known to be an image. */
export function decodeBase64Image(text: string, index: number): Buffer {
  const payload = text.replace(/^data:[\w.+/-]*;base64,/, '').replace(/\s+/g, '');
  if (payload.length === 0 || !BASE64.test(payload) || payload.length % 4 === 1) {
    throw ApiError.badRequest('INVALID_IMAGE', `Image ${index} is not valid base64`, { index });
  }
  return Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64');
}

function tooManyImages(limits: ReaderLimits): ApiError {
  return new ApiError(413, 'PAYLOAD_TOO_LARGE', `At most ${limits.maxImages} images per request`, { maxImagesPerRequest: limits.maxImages });
}

function tooManyBytes(limits: ReaderLimits): ApiError {
  return new ApiError(413, 'PAYLOAD_TOO_LARGE', `Images in one request may total at most ${limits.maxBytes} bytes`, { maxBytes: limits.maxBytes });
}

/**
 * Reads an inference request: multipart `image` files, JSON base64 images, or JSON tensors,
 * plus options from the query string and the body (the body wins).
 */
export async function readInferenceBody(request: FastifyRequest, limits: ReaderLimits, buffers?: BufferPool): Promise<InferenceBody> {
  const query = parseOrThrow(queryOptionsSchema, request.query ?? {});
  if (request.isMultipart()) return readMultipart(request, limits, query, buffers);
  const contentType = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with image files, or application/json');
  }
  // Read only now, after admission (see inference-routes.ts).
  const body = await resolveBody(request.body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.badRequest('INVALID_INPUT', 'The JSON body must be an object with "image", "images" or "inputs"');
  }
  const parsed = parseOrThrow(jsonBodySchema, body);
  const { image, images, inputs, ...bodyOptions } = parsed;
  const options = toOptions(query, bodyOptions);
  const kinds = [image !== undefined, images !== undefined, inputs !== undefined].filter(Boolean).length;
  if (kinds !== 1) throw ApiError.badRequest('INVALID_INPUT', 'Send exactly one of "image", "images" or "inputs"');
  if (inputs) {
    const tensors = Object.entries(inputs).map(([name, tensor]) => ({ name, shape: tensor.shape, dtype: tensor.dtype, data: tensor.data }));
    if (tensors.length === 0) throw ApiError.badRequest('INVALID_INPUT', '"inputs" names no tensors');
    return { kind: 'tensors', tensors, options };
  }
  const encoded = image !== undefined ? [image] : (images ?? []);
  if (encoded.length === 0) throw ApiError.badRequest('INVALID_INPUT', '"images" is empty');
  if (encoded.length > limits.maxImages) throw tooManyImages(limits);
  const decoded = encoded.map((text, index) => decodeBase64Image(text, index));
  return { kind: 'images', images: { buffers: decoded, done: () => undefined }, options };
}

async function readMultipart(request: FastifyRequest, limits: ReaderLimits, query: z.infer<typeof queryOptionsSchema>, buffers?: BufferPool): Promise<InferenceBody> {
  // Every part lies inside the body, so one buffer of the declared body length holds all images.
  const declared = Number(request.headers['content-length']);
  const lease = buffers?.lease(Math.min(declared, limits.maxBytes));
  try {
    return await readMultipartParts(request, limits, query, lease);
  } catch (error) {
    lease?.release();
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof ApiError || (typeof code === 'string' && code.startsWith('FST_'))) throw error;
    // busboy's own parse errors (truncated body, missing boundary, bad part headers).
    throw ApiError.badRequest('INVALID_INPUT', 'The multipart body is malformed or truncated');
  }
}

async function readMultipartParts(request: FastifyRequest, limits: ReaderLimits, query: z.infer<typeof queryOptionsSchema>, lease: BufferLease | undefined): Promise<InferenceBody> {
  const images: Buffer[] = [];
  const fields: Record<string, string> = {};
  let totalBytes = 0;
  const into = lease ? new LeasedWriter(lease.buffer, limits, () => new request.server.multipartErrors.RequestFileTooLargeError()) : undefined;
  const parts = request.parts({ limits: { fileSize: limits.maxBytes, files: limits.maxImages + 1, fields: 16, parts: limits.maxImages + 17 } });
  for await (const part of parts) {
    if (part.type === 'file') {
      if (part.fieldname !== 'image') throw ApiError.badRequest('INVALID_INPUT', `Unexpected file field "${part.fieldname}"; send images as "image"`);
      if (images.length >= limits.maxImages) throw tooManyImages(limits);
      const buffer = into ? await into.append(part) : await part.toBuffer();
      totalBytes += buffer.length;
      if (totalBytes > limits.maxBytes) throw tooManyBytes(limits);
      images.push(buffer);
    } else {
      if (typeof part.value !== 'string') throw ApiError.badRequest('VALIDATION_FAILED', `Field "${part.fieldname}" must be text`);
      fields[part.fieldname] = part.value;
    }
  }
  const options = toOptions(query, parseOrThrow(fieldOptionsSchema, fields));
  if (images.length === 0) throw ApiError.badRequest('INVALID_INPUT', 'No "image" file in the form');
  return { kind: 'images', images: { buffers: images, done: () => lease?.release() }, options };
}

/** Copies file parts one after another into a leased buffer, each chunk as it arrives. */
class LeasedWriter {
  private used = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly limits: ReaderLimits,
    /** The multipart plugin's own error, which toBuffer throws too (the error filter maps it to 413). */
    private readonly fileTooLarge: () => Error,
  ) {}

  /** The part's bytes: a view of the leased buffer, valid until the lease is released. */
  async append(part: { file: AsyncIterable<Buffer> & { truncated?: boolean } }): Promise<Buffer> {
    const start = this.used;
    for await (const chunk of part.file) {
      // Cannot happen while the body keeps to its Content-Length; refused all the same.
      if (this.used + chunk.length > this.buffer.length) throw tooManyBytes(this.limits);
      chunk.copy(this.buffer, this.used);
      this.used += chunk.length;
    }
    // Over the per-file limit: busboy stopped the part short (the same refusal as toBuffer's).
    if (part.file.truncated) throw this.fileTooLarge();
    return this.buffer.subarray(start, this.used);
  }
}
