import { mkdtempSync, rmSync } from 'node:fs';
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

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'modelport-refusals-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    const file = buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 32, classes: 4 }).path;
    deployedId = await uploadAndDeploy(t.url, admin, { file, name: 'refusals-deployed', config: { task: 'classification' } });
    idleId = (await uploadModel(t.url, admin, { file, name: 'refusals-idle', config: { task: 'classification' } })).body.id;
    // Noise does not compress: a 1600×1200 PNG of it is about 5.8 MB, far beyond any socket buffer.
    const random = seededRandom(5);
    const pixels = Buffer.alloc(1600 * 1200 * 3);
    for (let index = 0; index < pixels.length; index++) pixels[index] = Math.floor(random() * 256);
    bigImage = await sharp(pixels, { raw: { width: 1600, height: 1200, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
    expect(bigImage.length).toBeGreaterThan(4 * 1024 * 1024);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('401 without a token', async () => {
    expect(await sendBig(deployedId, {})).toMatchObject({ status: 401, connection: 'close' });
  });

  it('403 with a token that may not use the model', async () => {
    const narrow = await issueAccessToken(t.url, admin, [idleId]);
    expect(await sendBig(deployedId, { 'X-Access-Token': narrow })).toMatchObject({ status: 403 });
  });

  it('404 for an unknown model', async () => {
    expect(await sendBig('no-such-model', { 'X-Access-Token': token })).toMatchObject({ status: 404, code: 'MODEL_NOT_FOUND' });
  });

  it('409 for a model that is not deployed', async () => {
    expect(await sendBig(idleId, { 'X-Access-Token': token })).toMatchObject({ status: 409, code: 'MODEL_NOT_DEPLOYED' });
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
  });

  it('the server keeps serving afterwards', async () => {
    expect((await infer(t.url, token, deployedId, { body: imageForm([chelseaPng()]) })).status).toBe(200);
  });
});
