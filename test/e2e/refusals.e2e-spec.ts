import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** Sends raw bytes and returns everything the server answered before closing (or the first answer). */
function exchange(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const headerEnd = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (headerEnd >= 0 && length !== undefined && received.length >= headerEnd + 4 + Number(length)) socket.destroy();
    });
    socket.on('close', () => resolve(received));
    socket.on('error', () => undefined);
  });
}

function parse(raw: string): { status: number; body: any } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
  const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status, body };
}

describe('refusals below the application carry the standard error body (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['headers too large', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400, 'BAD_REQUEST'],
    ['bad chunking', 'POST /api/v1/internal/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a smuggling attempt (Content-Length with chunked)', 'POST /api/v1/internal/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'BAD_REQUEST'],
  ])('%s', async (_name, bytes, status, code) => {
    const answer = parse(await exchange(t.url, bytes));
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error: { code, message: expect.any(String), requestId: expect.any(String) } });
  });

  it('a too long URL parameter', async () => {
    const answer = parse(await exchange(t.url, `GET /api/v1/internal/models/${'a'.repeat(200)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(answer.status).toBe(414);
    expect(answer.body).toMatchObject({ error: { code: 'URI_TOO_LONG', message: expect.any(String), requestId: expect.any(String) } });
  });
});
