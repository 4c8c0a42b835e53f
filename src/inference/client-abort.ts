import type { FastifyReply } from 'fastify';

/**
 * An AbortSignal that fires when the client goes away before its response was written, so a
 * request still waiting in a model queue can be dropped instead of executed for nobody.
 */
export function clientAbortSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  const onClose = () => {
    if (!response.writableFinished) controller.abort();
  };
  response.once('close', onClose);
  return controller.signal;
}
