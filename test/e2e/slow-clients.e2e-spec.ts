import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { errorCodeOf, stall, statusOf } from '../helpers/raw-http.js';
import { request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { chelseaPng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

const BOUNDARY = 'stalled-boundary';

function multipartHead(path: string, headers: Record<string, string>, firstPart: string, declaredLength = 1_000_000): string {
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Type: multipart/form-data; boundary=${BOUNDARY}`, `Content-Length: ${declaredLength}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${firstPart}`;
}

const imagePartStart = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n`;

const openConnections = (t: TestApp) => new Promise<number>((resolve, reject) => t.app.getHttpServer().getConnections((error: Error | null, count: number) => (error ? reject(error) : resolve(count))));

describe('slow and malformed bodies are cut off and leave nothing behind (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let token: string;
  let modelId: string;

  beforeAll(async () => {
    // Small documented limits, so the test waits on outcomes rather than on defaults.
    t = await startTestApp({ BODY_IDLE_TIMEOUT_MS: '400', BODY_TIMEOUT_MS: '2000', UPLOAD_IDLE_TIMEOUT_MS: '400', UPLOAD_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '1000' });
    work = mkdtempSync(join(tmpdir(), 'slow-clients-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    buildOnnxClassifier(join(work, 'small.onnx'), { size: 16, classes: 3 });
    modelId = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'small.onnx'),
      name: 'slow-client-target',
      config: { task: 'classification' },
      overrides: { queue: { maxSize: 3 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } },
    });
  });
  const servedStatus = async () => (await infer(t.url, token, modelId, { body: imageForm([chelseaPng()]) })).status;
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('stalled inference bodies get 408, their connections close, and their queue places come back', async () => {
    const stalled = await Promise.all(Array.from({ length: 3 }, () => stall(t.url, multipartHead(`/api/v1/inference/${modelId}`, { 'X-Access-Token': token }, imagePartStart))));
    for (const exchange of stalled) {
      const raw = await exchange.closed;
      expect(statusOf(raw)).toBe(408);
      expect(errorCodeOf(raw)).toBe('REQUEST_TIMEOUT');
    }
    await expect.poll(servedStatus, { timeout: 10_000 }).toBe(200);
  });

  it('a client that stops mid-body holds its one queue place only until the idle timeout cuts it off; then the place, the socket and the disk are clean', async () => {
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'small.onnx'),
      name: 'one-place',
      config: { task: 'classification' },
      overrides: { queue: { maxSize: 1 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } },
    });
    const runtime = t.app.get(DeploymentManager).get(id)!.runtime;
    const baseline = await openConnections(t);
    const photo = chelseaPng();
    // Multipart only: a JSON body is read whole by Fastify's parser before the route (and so
    // admission) runs, so a stalled JSON body holds no place to begin with; see docs/api/serving.md.
    for (const body of ['multipart image', 'multipart image again'] as const) {
      // Half of a real image, then silence: the client is alive but sends nothing more.
      const head = multipartHead(`/api/v1/inference/${id}`, { 'X-Access-Token': token }, `${imagePartStart}${photo.subarray(8, photo.length / 2).toString('latin1')}`, photo.length + 500);
      const exchange = await stall(t.url, head);
      // While its body is being read the request holds the only place: another one is refused.
      await expect.poll(() => runtime.snapshot().reservedItems, { timeout: 10_000 }).toBe(1);
      const meanwhile = await infer(t.url, token, id, { body: imageForm([photo]) });
      expect([meanwhile.status, meanwhile.body.error.code]).toEqual([503, 'QUEUE_FULL']);
      // The idle timeout cuts it off with the standard 408, and the server closes the connection.
      const raw = await exchange.closed;
      expect(statusOf(raw), body).toBe(408);
      expect(errorCodeOf(raw)).toBe('REQUEST_TIMEOUT');
      await expect.poll(() => runtime.snapshot().reservedItems, { timeout: 10_000 }).toBe(0);
      await expect.poll(() => openConnections(t), { timeout: 10_000 }).toBeLessThanOrEqual(baseline);
      // The place is free again: the next request is admitted and served.
      expect((await infer(t.url, token, id, { body: imageForm([photo]) })).status).toBe(200);
      expect(runtime.snapshot()).toMatchObject({ reservedItems: 0, queueDepth: 0 });
      expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([]);
    }
  });

  it('many stalled sockets never starve normal requests once cut', async () => {
    const baseline = await openConnections(t);
    const stalled = await Promise.all(Array.from({ length: 30 }, () => stall(t.url, multipartHead(`/api/v1/inference/${modelId}`, { 'X-Access-Token': token }, imagePartStart))));
    const answers = await Promise.all(stalled.map((exchange) => exchange.closed));
    // Those that found the queue full were refused at once; the rest were cut by the timeout.
    expect(new Set(answers.map(statusOf))).toEqual(new Set([408, 503]));
    // No connection of theirs stays open on the server.
    await expect.poll(() => openConnections(t), { timeout: 10_000 }).toBeLessThanOrEqual(baseline);
    await expect.poll(servedStatus, { timeout: 10_000 }).toBe(200);
    const results = await Promise.all(Array.from({ length: 3 }, () => infer(t.url, token, modelId, { body: imageForm([chelseaPng()]) })));
    expect(results.map((res) => res.status)).toEqual([200, 200, 200]);
  });

  it('a stalled model upload gets 408 and leaves no temp file', async () => {
    const part = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nstalled-upload\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n${'x'.repeat(70_000)}`;
    const exchange = await stall(t.url, multipartHead('/api/v1/internal/models', { 'X-Auth-Token': admin }, part, 50_000_000));
    const raw = await exchange.closed;
    expect(statusOf(raw)).toBe(408);
    expect(errorCodeOf(raw)).toBe('REQUEST_TIMEOUT');
    await expect.poll(() => readdirSync(join(t.dataDir, 'tmp')), { timeout: 5000 }).toEqual([]);
    const list = await request(`${t.url}/api/v1/internal/models?search=stalled-upload`, { headers: { 'X-Auth-Token': admin } });
    expect(list.body.total).toBe(0);
  });

  it('a request whose headers never finish is answered 408 in the standard shape', async () => {
    const exchange = await stall(t.url, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const raw = await exchange.closed;
    expect(statusOf(raw)).toBe(408);
    expect(errorCodeOf(raw)).toBe('REQUEST_TIMEOUT');
  });

  it('an unauthenticated body is capped before it is buffered: 413 for a large declared length, and for a large chunked one', async () => {
    const declared = await stall(t.url, `POST /api/v1/internal/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 31457280\r\n\r\n{"username":"`);
    const raw = await declared.closed;
    expect(statusOf(raw)).toBe(413);
    expect(errorCodeOf(raw)).toBe('PAYLOAD_TOO_LARGE');

    const chunk = 'a'.repeat(40_000);
    const chunked = await stall(
      t.url,
      `POST /api/v1/internal/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${(chunk.length + 13).toString(16)}\r\n{"username":"${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    const chunkedRaw = await chunked.closed;
    expect(statusOf(chunkedRaw)).toBe(413);

    // A valid credential lifts the cap to the normal body limit (here: an admin JSON route, 400 for what it is).
    const big = await request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'x'.repeat(100_000), allowedModels: ['*'] } });
    expect(big.status).toBe(400);
    // A bogus credential does not.
    const bogus = await request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': 'forged' }, json: { name: 'x'.repeat(100_000), allowedModels: ['*'] } });
    expect(bogus.status).toBe(413);
  });

  it('a multipart part without Content-Disposition is answered 400, on inference and on upload', async () => {
    const body = `--${BOUNDARY}\r\nContent-Type: image/png\r\n\r\nabc\r\n--${BOUNDARY}--\r\n`;
    for (const [path, header] of [
      [`/api/v1/inference/${modelId}`, { 'X-Access-Token': token }],
      ['/api/v1/internal/models', { 'X-Auth-Token': admin }],
    ] as const) {
      const res = await request(`${t.url}${path}`, { method: 'POST', headers: { ...header, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` }, body });
      expect(res.status, path).toBe(400);
    }
    const attachment = `--${BOUNDARY}\r\nContent-Disposition: attachment; filename="a.png"\r\nContent-Type: image/png\r\n\r\nabc\r\n--${BOUNDARY}--\r\n`;
    const res = await request(`${t.url}/api/v1/inference/${modelId}`, { method: 'POST', headers: { 'X-Access-Token': token, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` }, body: attachment });
    expect(res.status).toBe(400);
  });
});
