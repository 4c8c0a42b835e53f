import type { FastifyReply, FastifyRequest } from 'fastify';
import { BINARY_CONTENT_TYPE, BINARY_HEADER_LENGTH_HEADER } from '../serving/binary-tensors.js';
import { clientAbortSignal } from './client-abort.js';
import { InferenceBody, readInferenceBody, ReaderLimits } from './inference-request.reader.js';
import type { InferenceAnswer } from './inference.service.js';

/**
 * One inference request as the service sees it, with HTTP left behind: the body can be read
 * (once, and only after admission), the client's going away is a signal, and the model the
 * request resolved to is reported back for logs and usage.
 */
export interface InferenceCall {
  readonly requestId: string;
  readBody(limits: ReaderLimits): Promise<InferenceBody>;
  /** Aborted when the client goes away before the answer was written. */
  readonly signal: AbortSignal;
  resolvedModel(modelId: string): void;
}

/** The InferenceCall of a Fastify request. */
export function httpInferenceCall(request: FastifyRequest, reply: FastifyReply): InferenceCall {
  return {
    requestId: String(request.id),
    readBody: (limits) => readInferenceBody(request, limits),
    signal: clientAbortSignal(reply),
    resolvedModel: (modelId) => (request.modelId = modelId),
  };
}

/** Puts an answer on the reply: JSON as is, the binary form with its header length and type. */
export function sendInferenceAnswer(reply: FastifyReply, answer: InferenceAnswer): unknown {
  if (answer.kind === 'json') return answer.body;
  void reply.header(BINARY_HEADER_LENGTH_HEADER, String(answer.headerLength)).type(BINARY_CONTENT_TYPE);
  return answer.body;
}
