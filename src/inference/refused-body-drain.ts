import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { markDrainingRefusal } from '../common/request-limits.js';

export interface RefusedBodyLimits {
  /** Bytes of a refused request's body read and thrown away before giving up on it. */
  maxBytes: number;
  /** How long to keep reading it. */
  maxMs: number;
}

/**
 * Reads and discards what is left of a request body, up to the limits; resolves true when the
 * body ended within them. Anything already piped elsewhere (a multipart parser) is unpiped first.
 */
export function discardBody(raw: IncomingMessage, limits: RefusedBodyLimits): Promise<boolean> {
  if (raw.complete || raw.destroyed || raw.readableEnded) return Promise.resolve(raw.complete);
  return new Promise<boolean>((resolve) => {
    let bytes = 0;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onFail);
      raw.off('close', onFail);
      raw.off('timeout', onStall);
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(raw.complete);
    const timer = setTimeout(() => finish(false), limits.maxMs);
    // A body that stalls past the server's body timeouts is not waited for any longer.
    const onStall = () => finish(false);
    markDrainingRefusal(raw);
    raw.unpipe();
    raw.once('timeout', onStall);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('error', onFail);
    raw.once('close', onFail);
    raw.resume();
  });
}

/**
 * A request refused before its body was read (401, 403, 404, 409, 429, 503, an oversized upload)
 * is answered only after the rest of its body has been read and discarded, within bounds, and
 * the connection is then closed. Closing while the client is still sending would reset the
 * connection, and clients that write the whole body before reading (Node's fetch among them)
 * would see EPIPE instead of the answer. A body beyond the bounds is cut off: the answer is sent
 * anyway and the connection closed.
 */
export function registerRefusedBodyDrain(fastify: FastifyInstance, limits: RefusedBodyLimits): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || request.raw.complete) return payload;
    void reply.header('Connection', 'close');
    await discardBody(request.raw, limits);
    return payload;
  });
}
