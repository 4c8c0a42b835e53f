import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toOipError } from './oip-error.js';

/** The header that carries our stable error code beside the protocol's bare `{"error"}` body. */
export const ERROR_CODE_HEADER = 'X-Error-Code';

/**
 * Open Inference Protocol error bodies are exactly `{"error": "<message>"}`. The stable code
 * travels in X-Error-Code and the request id in X-Request-Id, so the body stays conformant.
 */
@Catch()
export class V2ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('V2ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = toOipError(exception, String(request.id));
    if (error.status >= 500 && error.code === 'INTERNAL_ERROR') {
      this.logger.error({ msg: 'Unhandled error', requestId: request.id, error: (exception as Error)?.stack ?? String(exception) });
    }
    if (reply.sent) return;
    reply
      .headers({ ...error.headers, [ERROR_CODE_HEADER]: error.code })
      .status(error.status)
      .type('application/json; charset=utf-8')
      .send({ error: error.message });
  }
}
