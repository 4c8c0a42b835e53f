import { normalizeError } from '../common/http-error.filter.js';

export interface OipError {
  status: number;
  /** Our stable machine code; REST sends it as X-Error-Code, gRPC as trailing metadata. */
  code: string;
  message: string;
  headers: Record<string, string>;
}

/** Seconds a client should wait before retrying a model that is not (or no longer) being served. */
const NOT_READY_RETRY_AFTER_SECONDS = '5';

/**
 * What an Open Inference Protocol client sees for a thrown value. The protocol's statuses: 400
 * for a bad request, 404 for an unknown model or version, 503 (with Retry-After) when the model
 * is not ready or its queue is full. Other statuses (401, 403, 429, 504) keep their meaning.
 */
export function toOipError(exception: unknown, requestId: string): OipError {
  const normalized = normalizeError(exception, requestId);
  const { code, message } = normalized.body.error;
  const headers = { ...normalized.headers };
  let status = normalized.status;
  if (code === 'MODEL_NOT_DEPLOYED') {
    status = 503;
    headers['Retry-After'] ??= NOT_READY_RETRY_AFTER_SECONDS;
  }
  return { status, code, message, headers };
}
