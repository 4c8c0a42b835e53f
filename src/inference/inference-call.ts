import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BufferPool } from '../common/buffer-pool.js';
import { clientAbortSignal } from './client-abort.js';
import { InferenceBody, readInferenceBody, ReaderLimits } from './inference-request.reader.js';
import type { InferenceAnswer } from './inference-answer.js';

/**
 * One inference request as the service sees it, with HTTP left behind: the body can be read
 * (once, and only after admission), the client's going away is a signal, and the model the
 * request resolved to is reported back for logs and usage.
 */
export interface InferenceCall {
  readonly requestId: string;
  /** Multipart images are read into a buffer leased from `buffers`; the body's images.done() gives it back. */
  readBody(limits: ReaderLimits, buffers?: BufferPool): Promise<InferenceBody>;
  /** Aborted when the client goes away before the answer was written. */
  readonly signal: AbortSignal;
  resolvedModel(modelId: string): void;
}

/** The InferenceCall of a Fastify request. */
export function httpInferenceCall(request: FastifyRequest, reply: FastifyReply): InferenceCall {
  return {
    requestId: String(request.id),
    readBody: (limits, buffers) => readInferenceBody(request, limits, buffers),
    signal: clientAbortSignal(reply),
    resolvedModel: (modelId) => (request.modelId = modelId),
  };
}

/** Puts a finished answer on the reply: a Buffer with its content type is written as is, unserialised. */
export function sendInferenceAnswer(reply: FastifyReply, answer: InferenceAnswer): Buffer {
  void reply.headers(answer.headers).type(answer.contentType);
  return answer.body;
}
