import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normalizeError } from '../common/http-error.filter.js';

/**
 * Open Inference Protocol clients expect `{"error": "<message>"}`. We keep that shape and add our
 * stable `code` and the `requestId` beside it, so both kinds of client can act on the answer.
 */
@Catch()
export class V2ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('V2ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const normalized = normalizeError(exception, String(request.id));
    if (normalized.status >= 500 && normalized.body.error.code === 'INTERNAL_ERROR') {
      this.logger.error({ msg: 'Unhandled error', requestId: request.id, error: (exception as Error)?.stack ?? String(exception) });
    }
    if (reply.sent) return;
    const { code, message, requestId, details } = normalized.body.error;
    reply
      .headers(normalized.headers)
      .status(normalized.status)
      .send({ error: message, code, requestId, ...(details !== undefined ? { details } : {}) });
  }
}
