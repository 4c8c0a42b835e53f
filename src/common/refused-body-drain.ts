import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { markDrainingRefusal } from './request-limits.js';

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
 * Lingering close, as mature servers do it: the refusal goes out at once with `Connection: close`;
 * after it only the write side of the socket is closed (FIN), while the rest of the body is read
 * and thrown away within the bounds; then the socket is destroyed. Node would end such a response
 * with `socket.destroySoon()`, which destroys the socket as soon as the answer is written: with
 * body bytes still arriving, the kernel then resets the connection, and a client still writing its
 * body (Node's fetch among them) gets EPIPE or ECONNRESET and may never read the answer.
 */
export function lingerAfterRefusal(raw: IncomingMessage, limits: RefusedBodyLimits): void {
  const socket = raw.socket as Socket | null;
  if (!socket || socket.destroyed) return;
  // Only this socket, only for this response: the FIN without the destroy.
  Object.defineProperty(socket, 'destroySoon', { configurable: true, value: () => socket.end() });
  const drained = discardBody(raw, limits);
  const written = new Promise<void>((resolve) => {
    socket.once('finish', resolve);
    socket.once('close', resolve);
  });
  void Promise.all([drained, written]).then(() => socket.destroy());
}

/**
 * Whether a refused request's connection can stay open once the rest of its body is discarded:
 * its length is declared and within the discard bound, and neither side asked to close (HTTP/1.0,
 * `Connection: close` from the client or from an earlier refusal path).
 */
function canKeepAlive(request: FastifyRequest, reply: FastifyReply, limits: RefusedBodyLimits): boolean {
  const headers = request.raw.headers;
  if (headers['transfer-encoding'] !== undefined || !reply.raw.shouldKeepAlive) return false;
  const declared = Number(headers['content-length']);
  if (!Number.isSafeInteger(declared) || declared > limits.maxBytes) return false;
  return !/close/i.test(String(reply.getHeader('connection') ?? ''));
}

/**
 * Discards the rest of a refused request's body and leaves the connection open for the client's
 * next request, as nginx does; a body that does not end within the bounds (a stalled client)
 * gets its connection destroyed once the answer is out.
 */
function discardAndKeepAlive(raw: IncomingMessage, limits: RefusedBodyLimits): void {
  const socket = raw.socket as Socket | null;
  if (!socket || socket.destroyed) return;
  void discardBody(raw, limits).then((ended) => {
    if (!ended) socket.destroy();
  });
}

/**
 * A request refused before its body was read (401, 403, 404, 409, 429, 503, an oversized upload)
 * is answered at once, and the rest of its body is read and discarded within bounds, so clients
 * that write the whole body before reading (Node's fetch among them) can read the answer. A body
 * of declared length within the bounds keeps its connection open afterwards: under a flood of
 * refusals, closing would make every client connect again, and new connections wait in the kernel's
 * accept queue, which Node empties one connection per event-loop turn, for seconds
 * (docs/performance.md). Otherwise the answer says `Connection: close` and the connection lingers
 * (lingerAfterRefusal). A client that stalls mid-body gets the answer without waiting for anything;
 * a body beyond the bounds is cut off: the connection is destroyed.
 */
export function registerRefusedBodyDrain(fastify: FastifyInstance, limits: RefusedBodyLimits): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || request.raw.complete) return payload;
    if (canKeepAlive(request, reply, limits)) {
      discardAndKeepAlive(request.raw, limits);
      return payload;
    }
    void reply.header('Connection', 'close');
    lingerAfterRefusal(request.raw, limits);
    return payload;
  });
}
