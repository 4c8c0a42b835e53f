import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeferredBody, deferrableParser, registerJsonBodies, resolveBody } from './deferred-body.js';

const LIMIT = 1024;

/** A body sent in chunks without Content-Length, as a chunked upload would be. */
function chunked(...parts: string[]): Readable {
  return Readable.from(parts.map((part) => Buffer.from(part)));
}

describe('deferred bodies: JSON read by Fastify elsewhere, by the route where it defers', () => {
  let app: FastifyInstance;
  const seen: unknown[] = [];

  beforeEach(async () => {
    seen.length = 0;
    app = Fastify({ bodyLimit: LIMIT });
    const deferredRoutes = [
      { method: 'POST', url: '/deferred/:id' },
      { method: 'POST', url: '/raw' },
    ];
    registerJsonBodies(app, { bodyLimit: LIMIT, deferredRoutes });
    app.addContentTypeParser(
      'application/octet-stream',
      deferrableParser({ bodyLimit: LIMIT, deferredRoutes }, (bytes) => Promise.resolve(bytes), () => Object.assign(new Error('Unsupported Content-Type'), { statusCode: 415 })),
    );
    app.post('/plain', async (request) => ({ body: request.body }));
    // Decides from the URL before touching the body, as the inference service does with its queue.
    app.post('/deferred/:id', async (request, reply) => {
      seen.push(request.body instanceof DeferredBody);
      if ((request.params as { id: string }).id === 'refuse') return reply.code(503).send({ refused: true });
      return { body: await resolveBody(request.body) };
    });
    app.post('/raw', async (request) => {
      const body = await resolveBody(request.body);
      return { bytes: Buffer.isBuffer(body) ? body.length : null };
    });
    app.post('/elsewhere', async () => ({ reached: true }));
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
  });

  const post = (url: string, payload: string | Readable, contentType = 'application/json', headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType, ...headers } });

  it('a route that does not defer gets the parsed body, as before', async () => {
    const res = await post('/plain', JSON.stringify({ a: [1, 2, 3] }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body: { a: [1, 2, 3] } });
  });

  it('a deferring route gets a DeferredBody and reads it on demand', async () => {
    const res = await post('/deferred/go', JSON.stringify({ image: 'abc' }));
    expect(res.json()).toEqual({ body: { image: 'abc' } });
    expect(seen).toEqual([true]);
  });

  it('a deferring route can refuse without the body ever being parsed: invalid JSON gets its refusal, not 400', async () => {
    const res = await post('/deferred/refuse', '{"not json');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ refused: true });
  });

  it('hostile bodies get the same errors on both kinds of route', async () => {
    for (const url of ['/plain', '/deferred/go']) {
      const invalid = await post(url, '{"a":');
      expect([invalid.statusCode, invalid.json().code]).toEqual([400, 'FST_ERR_CTP_INVALID_JSON_BODY']);
      const empty = await post(url, '');
      expect([empty.statusCode, empty.json().code]).toEqual([400, 'FST_ERR_CTP_EMPTY_JSON_BODY']);
      const poisoned = await post(url, '{"__proto__":{"admin":true}}');
      expect([poisoned.statusCode, poisoned.json().code]).toEqual([400, 'FST_ERR_CTP_INVALID_JSON_BODY']);
      const declaredTooLarge = await post(url, JSON.stringify({ pad: 'x'.repeat(LIMIT) }));
      expect([declaredTooLarge.statusCode, declaredTooLarge.json().code]).toEqual([413, 'FST_ERR_CTP_BODY_TOO_LARGE']);
      // No Content-Length: the limit is enforced on the bytes as they arrive.
      const streamedTooLarge = await post(url, chunked('{"pad":"', 'x'.repeat(LIMIT), '"}'));
      expect([streamedTooLarge.statusCode, streamedTooLarge.json().code]).toEqual([413, 'FST_ERR_CTP_BODY_TOO_LARGE']);
      const streamed = await post(url, chunked('{"a":', '[1,', '2]}'));
      expect(streamed.json()).toEqual({ body: { a: [1, 2] } });
      // Multi-byte characters split across chunks survive.
      const split = Buffer.from(JSON.stringify({ word: 'café' }));
      const utf8 = await post(url, Readable.from([split.subarray(0, split.length - 3), split.subarray(split.length - 3)]));
      expect(utf8.json()).toEqual({ body: { word: 'café' } });
    }
  });

  it('reading twice gives the same body once read', async () => {
    const body = new DeferredBody(chunked('{"x":1}'), Number.NaN, LIMIT, (bytes) => Promise.resolve(JSON.parse(bytes.toString())));
    const [first, second] = await Promise.all([body.read(), body.read()]);
    expect(first).toEqual({ x: 1 });
    expect(second).toBe(first);
  });

  it('a body shorter than its Content-Length, or cut off, is an error', async () => {
    const short = new DeferredBody(chunked('{"x":1}'), 100, LIMIT, (bytes) => Promise.resolve(bytes));
    await expect(short.read()).rejects.toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
    const stream = new Readable({ read() {} });
    const cut = new DeferredBody(stream, 100, LIMIT, (bytes) => Promise.resolve(bytes));
    const reading = cut.read();
    stream.push(Buffer.from('{"x":'));
    stream.destroy();
    await expect(reading).rejects.toMatchObject({ statusCode: 400 });
  });

  it('raw bytes are deferred on their route and refused with 415 anywhere else', async () => {
    const raw = await post('/raw', Buffer.alloc(100).toString('latin1'), 'application/octet-stream');
    expect(raw.json()).toEqual({ bytes: 100 });
    const elsewhere = await post('/elsewhere', 'abc', 'application/octet-stream');
    expect(elsewhere.statusCode).toBe(415);
    const tooLarge = await post('/raw', 'x'.repeat(LIMIT + 1), 'application/octet-stream');
    expect(tooLarge.statusCode).toBe(413);
  });
});
