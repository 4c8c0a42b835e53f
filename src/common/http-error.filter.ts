import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ErrorBody } from './api-error.js';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';

/** How long a client is asked to wait when the database is briefly away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Maps Fastify's own error codes (body parsing, limits) onto our stable codes. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'Body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'Body is empty but Content-Type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', message: 'Content-Length does not match the body' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Expected multipart/form-data' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Uploaded file is too large' },
  FST_PARTS_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Too many multipart parts' },
  FST_FILES_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Too many files' },
  FST_FIELDS_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Too many fields' },
  FST_PROTO_VIOLATION: { status: 400, code: 'BAD_REQUEST', message: 'Prototype poisoning attempt rejected' },
};

export interface NormalizedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** One place that decides what a client sees for any thrown value. */
export function normalizeError(exception: unknown, requestId: string): NormalizedError {
  if (exception instanceof ApiError) {
    const body: ErrorBody = { error: { code: exception.code, message: exception.message, requestId } };
    // A 500 keeps its stable code and safe message; its details (exception text) go to the log only.
    if (exception.details !== undefined && exception.getStatus() !== 500) body.error.details = exception.details;
    return { status: exception.getStatus(), body, headers: exception.headers ?? {} };
  }
  // Nest's Fastify adapter wraps Fastify's own 4xx errors (bad JSON, limits) in an HttpException
  // whose `cause` is the original: map those by their Fastify code first.
  const wrapped = exception instanceof HttpException ? exception.cause : undefined;
  const wrappedCode = (wrapped as { code?: unknown } | undefined)?.code;
  if (typeof wrappedCode === 'string' && FASTIFY_CODES[wrappedCode]) return normalizeError(wrapped, requestId);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'ERROR');
    const message = status >= 500 ? 'Internal server error' : exception.message;
    return { status, body: { error: { code, message, requestId } }, headers: {} };
  }
  const fastifyCode = (exception as { code?: unknown } | null)?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
    const mapped = FASTIFY_CODES[fastifyCode];
    return { status: mapped.status, body: { error: { code: mapped.code, message: mapped.message, requestId } }, headers: {} };
  }
  const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code = STATUS_CODES[statusCode] ?? 'BAD_REQUEST';
    return { status: statusCode, body: { error: { code, message: code.replaceAll('_', ' ').toLowerCase(), requestId } }, headers: {} };
  }
  if (isDatabaseUnavailable(exception)) {
    // Nothing was written (each write is one transaction); the client may simply try again.
    const message = 'The database is briefly unavailable; nothing was changed. Try again shortly';
    return { status: 503, body: { error: { code: 'DATABASE_UNAVAILABLE', message, requestId } }, headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal server error', requestId } }, headers: {} };
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const normalized = normalizeError(exception, String(request.id));
    if (normalized.body.error.code === 'DATABASE_UNAVAILABLE') {
      this.logger.warn({ msg: 'Request refused: the database is unavailable', requestId: request.id, error: (exception as Error)?.message });
    } else if (normalized.status >= 500) {
      const details = exception instanceof ApiError ? exception.details : undefined;
      this.logger.error({ msg: 'Unhandled error', requestId: request.id, error: (exception as Error)?.stack ?? String(exception), ...(details === undefined ? {} : { details }) });
    }
    if (reply.sent) return;
    reply.headers(normalized.headers).status(normalized.status).send(normalized.body);
  }
}
