import type { Readable } from 'node:stream';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

/** What a parser makes of a body's bytes once they are all in. */
type BodyDecoder = (bytes: Buffer) => Promise<unknown>;

/**
 * A request body the content-type parser left unread, so that the route's service can refuse
 * the request (unknown model, full queue) before a byte of it is buffered or parsed. `read()`
 * reads it once, under the same limits and with the same errors as Fastify's own parsers.
 */
export class DeferredBody {
  private reading: Promise<unknown> | undefined;

  constructor(
    private readonly payload: Readable & { receivedEncodedLength?: number },
    private readonly declaredLength: number,
    private readonly limit: number,
    private readonly decode: BodyDecoder,
  ) {}

  /** The parsed body (JSON value, or Buffer for raw bytes); rejects as Fastify's parsers would. */
  read(): Promise<unknown> {
    this.reading ??= readAll(this.payload, this.limit, this.declaredLength).then(this.decode);
    return this.reading;
  }
}

/** A route's body as the handler got it: read now if the parser deferred it. */
export function resolveBody(body: unknown): Promise<unknown> {
  return body instanceof DeferredBody ? body.read() : Promise.resolve(body);
}

/**
 * Collects a body up to `limit` bytes. Past the limit it stops reading and leaves the rest to the
 * refused-body drain; a length that disagrees with Content-Length, or a body that ends early
 * (the client went away, a body timeout destroyed the request), is an error.
 */
function readAll(payload: Readable & { receivedEncodedLength?: number }, limit: number, declaredLength: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const settle = (error: Error | null, body?: Buffer) => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('error', onError);
      payload.off('close', onClose);
      if (error) reject(error);
      else resolve(body as Buffer);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit || (payload.receivedEncodedLength ?? 0) > limit) {
        payload.pause();
        settle(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      if (!Number.isNaN(declaredLength) && (payload.receivedEncodedLength || received) !== declaredLength) {
        settle(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
        return;
      }
      settle(null, Buffer.concat(chunks, received));
    };
    const onError = (error: Error & { statusCode?: number }) => {
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
      settle(error);
    };
    const onClose = () => settle(Object.assign(new Error('The request body ended before it was complete'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' }));
    payload.on('data', onData);
    payload.once('end', onEnd);
    payload.once('error', onError);
    payload.once('close', onClose);
    payload.resume();
  });
}

export interface BodyParserOptions {
  /** Largest body any route accepts (Fastify's bodyLimit). */
  bodyLimit: number;
  /** Route patterns (method + URL) whose bodies are read by their service, after admission. */
  deferredRoutes: ReadonlyArray<{ method: string; url: string }>;
}

/** Whether a request's body is left for its service to read (see DeferredBody). */
export function defersBody(request: FastifyRequest, routes: BodyParserOptions['deferredRoutes']): boolean {
  return routes.some((route) => route.method === request.method && route.url === request.routeOptions.url);
}

/**
 * A content-type parser that reads bodies as Fastify's would, except on the deferred routes,
 * where the handler receives a DeferredBody. A declared length over the limit is refused from the
 * headers either way. `elsewhere`, when given, refuses the content type on every other route.
 */
export function deferrableParser(options: BodyParserOptions, decode: BodyDecoder, elsewhere?: () => Error) {
  return (request: FastifyRequest, payload: Readable, done: (error: Error | null, body?: unknown) => void): void => {
    const deferred = defersBody(request, options.deferredRoutes);
    if (!deferred && elsewhere) return done(elsewhere(), undefined);
    const declaredLength = Number(request.headers['content-length']);
    if (declaredLength > options.bodyLimit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
    const body = new DeferredBody(payload, declaredLength, options.bodyLimit, decode);
    if (deferred) return done(null, body);
    body.read().then(
      (value) => done(null, value),
      (error: Error) => done(error, undefined),
    );
  };
}

/**
 * Replaces Fastify's JSON parser with one that defers on the given routes; elsewhere it reads and
 * parses exactly as before (the same secure-json-parse settings, the same error codes).
 */
export function registerJsonBodies(fastify: FastifyInstance, options: BodyParserOptions): void {
  const parse = fastify.getDefaultJsonParser(fastify.initialConfig.onProtoPoisoning ?? 'error', fastify.initialConfig.onConstructorPoisoning ?? 'error');
  const decode: BodyDecoder = (bytes) =>
    new Promise((resolve, reject) => {
      parse({} as FastifyRequest, bytes.toString('utf8'), (error: Error | null, value?: unknown) => (error ? reject(error) : resolve(value)));
    });
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', deferrableParser(options, decode));
}
