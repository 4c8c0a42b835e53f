import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { chelseaPng, imageForm, infer, uploadAndDeploy } from '../serving/serving-helpers.js';

/** The monthly quota over the real inference route: successful calls count, failed ones are refunded. */
describe('access-token quota on POST /api/v1/inference/:id (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let modelId: string;

  const issue = async (monthlyQuota: number) => {
    const res = await request(`${t.url}/api/v1/internal/tokens`, {
      method: 'POST',
      headers: { 'X-Auth-Token': admin },
      json: { name: `quota-${monthlyQuota}-${Date.now()}`, allowedModels: ['*'], monthlyQuota },
    });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, secret: res.body.token as string };
  };
  const usage = async (id: string) => (await request(`${t.url}/api/v1/internal/tokens/${id}`, { headers: { 'X-Auth-Token': admin } })).body;

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'modelport-quota-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const file = join(work, 'classifier.onnx');
    await buildOnnxClassifier(file, { size: 32, classes: 4 });
    modelId = await uploadAndDeploy(t.url, admin, { file, name: 'quota-classifier', config: { task: 'classification' } });
  });

  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('counts successful calls and answers 429 QUOTA_EXCEEDED with Retry-After once the quota is used', async () => {
    const token = await issue(2);
    for (let call = 0; call < 2; call++) {
      expect((await infer(t.url, token.secret, modelId, { body: imageForm([chelseaPng()]) })).status).toBe(200);
    }
    const refused = await infer(t.url, token.secret, modelId, { body: imageForm([chelseaPng()]) });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const detail = await usage(token.id);
    expect(detail.usedThisMonth).toBe(2);
    expect(detail.remainingQuota).toBe(0);
  });

  it('refunds calls that fail (a bad image) so they do not eat the quota', async () => {
    const token = await issue(1);
    const bad = await infer(t.url, token.secret, modelId, { body: imageForm([{ bytes: Buffer.from('not an image'), filename: 'x.jpg' }]) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_IMAGE');
    expect((await usage(token.id)).usedThisMonth).toBe(0);
    expect((await infer(t.url, token.secret, modelId, { body: imageForm([chelseaPng()]) })).status).toBe(200);
    expect((await infer(t.url, token.secret, modelId, { body: imageForm([chelseaPng()]) })).status).toBe(429);
  });

  it('does not count calls to routes that are not inference', async () => {
    const token = await issue(1);
    for (let call = 0; call < 3; call++) {
      const listing = await request(`${t.url}/api/v1/models`, { headers: { 'X-Access-Token': token.secret } });
      expect(listing.status).toBe(200);
    }
    expect((await usage(token.id)).usedThisMonth).toBe(0);
  });
});
