import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';

describe('external model listing', () => {
  let t: TestApp;
  let admin: string;
  const issue = async (allowedModels: string[]) => {
    const res = await request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'lister', allowedModels } });
    return res.body.token as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('requires an access token; an admin session is not one', async () => {
    const anonymous = await request(`${t.url}/api/v1/models`);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'ACCESS_TOKEN_MISSING']);
    const withJwt = await request(`${t.url}/api/v1/models/anything`, { headers: { 'X-Auth-Token': admin } });
    expect([withJwt.status, withJwt.body.error.code]).toEqual([401, 'ACCESS_TOKEN_MISSING']);
  });

  it('lists deployed models as {items}', async () => {
    const res = await request(`${t.url}/api/v1/models`, { headers: { 'X-Access-Token': await issue(['*']) } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: expect.any(Array) });
  });

  it('answers 404 MODEL_NOT_FOUND for an allowed but unknown model and 403 for one outside the list', async () => {
    const token = await issue(['m-allowed']);
    const allowed = await request(`${t.url}/api/v1/models/m-allowed`, { headers: { 'X-Access-Token': token } });
    expect([allowed.status, allowed.body.error.code]).toEqual([404, 'MODEL_NOT_FOUND']);
    const other = await request(`${t.url}/api/v1/models/m-other`, { headers: { 'X-Access-Token': token } });
    expect([other.status, other.body.error.code]).toEqual([403, 'MODEL_NOT_ALLOWED']);
    const encoded = await request(`${t.url}/api/v1/models/${encodeURIComponent('../internal/tokens')}`, { headers: { 'X-Access-Token': token } });
    expect(encoded.body.error.code).toBe('MODEL_NOT_ALLOWED');
  });

  it('documents both routes with the X-Access-Token scheme', async () => {
    const spec = await request(`${t.url}/docs-json`);
    for (const path of ['/api/v1/models', '/api/v1/models/{id}']) {
      expect(spec.body.paths[path].get.security).toEqual([{ 'X-Access-Token': [] }]);
    }
    expect(spec.body.paths['/api/v1/internal/tokens'].post.security).toEqual([{ 'X-Auth-Token': [] }]);
  });
});
