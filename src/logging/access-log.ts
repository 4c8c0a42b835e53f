import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

const logger = new Logger('http');

/**
 * One structured line per request: request id, route, status, duration, model and the caller's
 * identity (token id or user id, never a secret). Query strings are left out because they are
 * where careless clients put credentials.
 */
export function registerAccessLog(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const auth = request.auth;
    logger.log({
      msg: 'request',
      requestId: request.id,
      method: request.method,
      route: request.routeOptions?.url ?? 'unmatched',
      path: request.url.split('?')[0],
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      modelId: request.modelId,
      tokenId: auth?.kind === 'accessToken' ? auth.token.id : undefined,
      userId: auth?.kind === 'user' ? auth.user.id : undefined,
    });
    done();
  });
}
