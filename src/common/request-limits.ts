import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';
import { normalizeError } from './http-error.filter.js';
import { UnauthenticatedBodyGate, type UnauthenticatedBodyGateLimits } from './unauthenticated-body-gate.js';

/** How long a request may take to arrive, per phase; see docs/configuration.md. */
export interface RequestTimeouts {
  /** Body bytes may pause at most this long. */
  bodyIdleMs: number;
  /** The whole body must have arrived this long after the headers. */
  bodyTotalMs: number;
}

export interface RequestLimitsOptions {
  /** Timeouts for model uploads (large multipart bodies). */
  upload: RequestTimeouts;
  /** Timeouts for every other request with a body: inference, JSON. */
  standard: RequestTimeouts;
  /** Route patterns (method + URL) that are model uploads. */
  uploadRoutes: ReadonlyArray<{ method: string; url: string }>;
  /** Largest parsed body a request without a live credential may send. */
  unauthenticatedBodyLimitBytes: number;
  /** How many such bodies, and how many bytes of them, may be in flight at once. */
  unauthenticatedInFlight: UnauthenticatedBodyGateLimits;
  /** Whether the request carries a live credential (a valid admin JWT or access token). */
  recognizes(request: FastifyRequest): Promise<boolean>;
}

/**
 * Requests whose refusal is already decided and waits only for the rest of the body to be read
 * and discarded (see refused-body-drain.ts). Their body timeouts end that wait, so the
 * refusal itself goes out, instead of replacing it with a 408.
 */
const drainingRefusals = new WeakSet<IncomingMessage>();

export function markDrainingRefusal(raw: IncomingMessage): void {
  drainingRefusals.add(raw);
}

/** The Fastify decoration holding the UnauthenticatedBodyGate. */
export const UNAUTHENTICATED_BODY_GATE = 'unauthenticatedBodyGate';

function hasBody(request: FastifyRequest): boolean {
  const length = Number(request.headers['content-length'] ?? 0);
  return length > 0 || request.headers['transfer-encoding'] !== undefined;
}

/** Sends an error in the standard shape with `Connection: close`: the connection ends after this answer. */
function sendClosing(request: FastifyRequest, reply: FastifyReply, error: ApiError): void {
  const normalized = normalizeError(error, String(request.id));
  void reply.code(normalized.status).headers(normalized.headers).header('Connection', 'close').send(normalized.body);
}

/**
 * Answers an error before any of the body was read; the refused-body drain (refused-body-drain.ts)
 * closes the connection once the rest of the body is discarded.
 */
const refuseUnread = sendClosing;

/**
 * Answers an error in the standard shape, then ends the request and its connection once the
 * answer is out: for a body that overstayed its timeout or overran its limit while being read. Destroying the request (not just the socket) is what makes a handler still
 * reading its body fail: Node stops tracking a request once its response has finished.
 */
function refuseAndClose(request: FastifyRequest, reply: FastifyReply, error: ApiError): void {
  const socket = request.raw.socket;
  const end = () => {
    request.raw.destroy();
    socket.destroy();
  };
  if (reply.sent || reply.raw.headersSent) {
    end();
    return;
  }
  reply.raw.once('finish', end);
  sendClosing(request, reply, error);
}

/**
 * Per-phase limits on how a request arrives. Headers are cut by Node (`headersTimeout`); here the
 * body may pause at most `bodyIdleMs` and must be complete `bodyTotalMs` after its headers,
 * with separate values for model uploads. A request that overstays is answered 408
 * `REQUEST_TIMEOUT` while an answer can still be sent, and its connection is closed, which
 * aborts whatever was reading the body: the handler fails, its queue place and temp files are
 * released the same way as for a client that went away.
 *
 * A request without a live credential may send a parsed (JSON) body of at most
 * `unauthenticatedBodyLimitBytes`, checked before anything is buffered, and only while fewer
 * than `unauthenticatedInFlight` such bodies (count and bytes) are in flight: beyond that it is
 * answered 503 `UNAUTHENTICATED_CAPACITY_FULL` with `Retry-After` at once. Multipart bodies are
 * read only by handlers, after the auth guard.
 */
export function registerRequestLimits(fastify: FastifyInstance, options: RequestLimitsOptions): void {
  const isUpload = (request: FastifyRequest) => options.uploadRoutes.some((route) => route.method === request.method && route.url === request.routeOptions.url);

  fastify.addHook('onRequest', (request, reply, done) => {
    if (!hasBody(request) || request.raw.complete) return done();
    const timeouts = isUpload(request) ? options.upload : options.standard;
    const timedOut = () => {
      if (drainingRefusals.has(request.raw)) return;
      refuseAndClose(request, reply, new ApiError(408, 'REQUEST_TIMEOUT', 'The request body did not arrive in time'));
    };
    const total = setTimeout(timedOut, timeouts.bodyTotalMs);
    request.raw.setTimeout(timeouts.bodyIdleMs, timedOut);
    const settle = () => {
      clearTimeout(total);
      request.raw.setTimeout(0);
      request.raw.removeListener('timeout', timedOut);
    };
    request.raw.once('end', settle);
    request.raw.once('close', settle);
    reply.raw.once('finish', settle);
    done();
  });

  // Decided from the headers, before any body byte is read.
  const capped = new WeakSet<FastifyRequest>();
  const limit = options.unauthenticatedBodyLimitBytes;
  const tooLarge = () => new ApiError(413, 'PAYLOAD_TOO_LARGE', `Requests without valid credentials may send at most ${limit} bytes`, { maxBytes: limit });
  const gate = new UnauthenticatedBodyGate(options.unauthenticatedInFlight);
  // Readable by operators' tooling and by tests that wait for what the gate holds.
  fastify.decorate(UNAUTHENTICATED_BODY_GATE, gate);
  const busy = () =>
    new ApiError(503, 'UNAUTHENTICATED_CAPACITY_FULL', 'Too many requests without valid credentials are sending bodies right now; try again shortly', undefined, { 'Retry-After': '1' });
  fastify.addHook('onRequest', async (request, reply) => {
    // Multipart bodies are streamed by handlers after the guard, which refuses a stranger (401) first.
    if (!hasBody(request) || /^multipart\//i.test(String(request.headers['content-type'] ?? '')) || (await options.recognizes(request))) return;
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      refuseUnread(request, reply, tooLarge());
      return reply;
    }
    const release = gate.tryReserve(declared > 0 ? declared : limit);
    if (!release) {
      refuseUnread(request, reply, busy());
      return reply;
    }
    reply.raw.once('close', release);
    capped.add(request);
  });

  fastify.addHook('preParsing', async (request, reply, payload) => {
    if (!capped.has(request)) return payload;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        counted.receivedEncodedLength += chunk.length;
        if (counted.receivedEncodedLength > limit) {
          refuseAndClose(request, reply, tooLarge());
          callback(Object.assign(new Error('body too large'), { statusCode: 413 }));
          return;
        }
        callback(null, chunk);
      },
    }) as Transform & { receivedEncodedLength: number };
    // Fastify compares this with Content-Length.
    counted.receivedEncodedLength = 0;
    payload.on('error', (error) => counted.destroy(error));
    return payload.pipe(counted);
  });
}

/**
 * Requests Node refuses below the application (malformed request line or headers, bad chunking,
 * headers too large, header timeout) get the standard error body too.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException & { statusCode?: number }, socket: Socket): void {
  if (!socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = classifyClientError(error);
  const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function classifyClientError(error: NodeJS.ErrnoException): [number, string, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'HEADERS_TOO_LARGE', 'Request headers are too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'REQUEST_TIMEOUT', 'The request headers did not arrive in time'];
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
      return [400, 'BAD_REQUEST', 'The request framing (Content-Length / Transfer-Encoding / chunks) is invalid'];
    default:
      return [400, 'BAD_REQUEST', 'The request is malformed'];
  }
}

/** Fastify's own refusals before routing (a bad URL, a too long path parameter) in the standard shape. */
export function frameworkErrorHandler(error: { code?: string; statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void {
  const requestId = String(request.id);
  const [status, code, message] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, 'URI_TOO_LONG', 'A path parameter is too long']
      : error.code === 'FST_ERR_BAD_URL'
        ? [400, 'BAD_URL', 'The URL is not valid']
        : [error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400, 'BAD_REQUEST', 'The request is malformed'];
  void reply.code(status).header('X-Request-Id', requestId).send({ error: { code, message, requestId } });
}
