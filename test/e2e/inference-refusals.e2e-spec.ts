import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { seededRandom } from '../fixtures/models/random.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { chelseaPng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';
import { uploadModel } from './models-helpers.js';

/**
 * Requests refused before their body is read must still be answered in a way Node's fetch
 * (undici) can read: it writes the whole body before reading the response, so a server that
 * closes the connection while the upload is still arriving makes it fail with EPIPE/ECONNRESET.
 */
describe('early refusals of large uploads over Node fetch (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let token: string;
  let deployedId: string;
  let idleId: string;
  let bigImage: Buffer;

  /** Sends the big image with plain fetch and reads the answer; a transport failure is a test failure. */
  async function sendBig(model: string, headers: Record<string, string>): Promise<{ status: number; code?: string; connection: string | null }> {
    const response = await fetch(`${t.url}/api/v1/inference/${model}`, { method: 'POST', headers, body: imageForm([bigImage]) });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: body.error?.code, connection: response.headers.get('connection') };
  }

  /**
   * The same with a client that writes its whole body before it reads (as undici does when its
   * write is in progress): a server that closes early makes the write fail with EPIPE/ECONNRESET.
   */
  async function sendBigWritingFirst(model: string, headers: Record<string, string>): Promise<{ status: number; code?: string; writeError?: string }> {
    const encoded = new Response(imageForm([bigImage]));
    const contentType = encoded.headers.get('content-type')!;
    const payload = Buffer.from(await encoded.arrayBuffer());
    return new Promise((resolve, reject) => {
      let writeError: string | undefined;
      let answer: { status: number; code?: string } | undefined;
      const finish = () => (answer ? resolve({ ...answer, writeError }) : reject(new Error(`no answer; write error ${writeError}`)));
      const req = http.request(`${t.url}/api/v1/inference/${model}`, { method: 'POST', headers: { ...headers, 'content-type': contentType, 'content-length': payload.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          answer = { status: res.statusCode ?? 0, code: JSON.parse(Buffer.concat(chunks).toString('utf8')).error?.code };
          // Let a pending write error surface before judging.
          setImmediate(finish);
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        writeError = error.code ?? error.message;
        if (!answer) finish();
      });
      req.end(payload);
    });
  }

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'modelport-refusals-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    const file = buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 32, classes: 4 }).path;
    deployedId = await uploadAndDeploy(t.url, admin, { file, name: 'refusals-deployed', config: { task: 'classification' } });
    idleId = (await uploadModel(t.url, admin, { file, name: 'refusals-idle', config: { task: 'classification' } })).body.id;
    // Noise does not compress: a 2800×2800 PNG of it is about 24 MB, far beyond any loopback socket buffer.
    const random = seededRandom(5);
    const pixels = Buffer.alloc(2800 * 2800 * 3);
    for (let index = 0; index < pixels.length; index++) pixels[index] = Math.floor(random() * 256);
    bigImage = await sharp(pixels, { raw: { width: 2800, height: 2800, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    expect(bigImage.length).toBeGreaterThan(20 * 1024 * 1024);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('401 without a token', async () => {
    // Within the discard bound (REFUSED_BODY_DRAIN_BYTES, 64 MiB by default) the connection stays open.
    expect(await sendBig(deployedId, {})).toMatchObject({ status: 401, connection: 'keep-alive' });
    expect(await sendBigWritingFirst(deployedId, {})).toEqual({ status: 401, code: expect.any(String), writeError: undefined });
  });

  it('403 with a token that may not use the model', async () => {
    const narrow = await issueAccessToken(t.url, admin, [idleId]);
    expect(await sendBig(deployedId, { 'X-Access-Token': narrow })).toMatchObject({ status: 403 });
    expect(await sendBigWritingFirst(deployedId, { 'X-Access-Token': narrow })).toEqual({ status: 403, code: expect.any(String), writeError: undefined });
  });

  it('404 for an unknown model', async () => {
    expect(await sendBig('no-such-model', { 'X-Access-Token': token })).toMatchObject({ status: 404, code: 'MODEL_NOT_FOUND' });
    expect(await sendBigWritingFirst('no-such-model', { 'X-Access-Token': token })).toEqual({ status: 404, code: 'MODEL_NOT_FOUND', writeError: undefined });
  });

  it('409 for a model that is not deployed', async () => {
    expect(await sendBig(idleId, { 'X-Access-Token': token })).toMatchObject({ status: 409, code: 'MODEL_NOT_DEPLOYED' });
    expect(await sendBigWritingFirst(idleId, { 'X-Access-Token': token })).toEqual({ status: 409, code: 'MODEL_NOT_DEPLOYED', writeError: undefined });
  });

  it('429 once the token’s quota is used', async () => {
    const issued = await request(`${t.url}/api/v1/internal/tokens`, {
      method: 'POST',
      headers: { 'X-Auth-Token': admin },
      json: { name: `refusals-quota-${Date.now()}`, allowedModels: ['*'], monthlyQuota: 1 },
    });
    expect(issued.status).toBe(201);
    const secret = issued.body.token as string;
    expect((await infer(t.url, secret, deployedId, { body: imageForm([chelseaPng()]) })).status).toBe(200);
    expect(await sendBig(deployedId, { 'X-Access-Token': secret })).toMatchObject({ status: 429, code: 'QUOTA_EXCEEDED' });
    expect(await sendBigWritingFirst(deployedId, { 'X-Access-Token': secret })).toEqual({ status: 429, code: 'QUOTA_EXCEEDED', writeError: undefined });
  });

  it('a refused upload of declared length leaves its connection open: the next request on the same socket is served', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const encoded = new Response(imageForm([bigImage]));
    const payload = Buffer.from(await encoded.arrayBuffer());
    const send = (model: string, body: Buffer, contentType: string) =>
      new Promise<{ status: number; port: number }>((resolve, reject) => {
        const req = http.request(`${t.url}/api/v1/inference/${model}`, { agent, method: 'POST', headers: { 'X-Access-Token': token, 'content-type': contentType, 'content-length': body.length } }, (res) => {
          const port = res.socket.localPort ?? -1;
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, port }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const refused = await send('no-such-model', payload, encoded.headers.get('content-type')!);
      const small = new Response(imageForm([chelseaPng()]));
      const served = await send(deployedId, Buffer.from(await small.arrayBuffer()), small.headers.get('content-type')!);
      expect(refused.status).toBe(404);
      expect(served.status).toBe(200);
      expect(served.port).toBe(refused.port);
    } finally {
      agent.destroy();
    }
  });

  it('a refused upload without a declared length is answered readably, then its connection closes', async () => {
    const encoded = new Response(imageForm([bigImage]));
    const contentType = encoded.headers.get('content-type')!;
    const response = await fetch(`${t.url}/api/v1/inference/no-such-model`, {
      method: 'POST',
      headers: { 'X-Access-Token': token, 'content-type': contentType },
      body: encoded.body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(404);
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('MODEL_NOT_FOUND');
  });

  it('the server keeps serving afterwards', async () => {
    expect((await infer(t.url, token, deployedId, { body: imageForm([chelseaPng()]) })).status).toBe(200);
  });
});
