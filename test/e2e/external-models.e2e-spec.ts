import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { modelAction, uploadModel } from './models-helpers.js';

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

describe('external model listing with real models in the store', () => {
  let t: TestApp;
  let admin: string;
  let work: string;
  let deployedId: string;
  let otherDeployedId: string;
  let storedOnlyId: string;
  const issue = async (allowedModels: string[]) => {
    const res = await request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'store', allowedModels } });
    return res.body.token as string;
  };
  const get = (token: string, path: string) => request(`${t.url}/api/v1/models${path}`, { headers: { 'X-Access-Token': token } });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    work = mkdtempSync(join(tmpdir(), 'modelport-external-'));
    const upload = async (name: string, seed: number, deploy: boolean) => {
      const model = buildOnnxClassifier(join(work, `${name}.onnx`), { seed });
      const res = await uploadModel(t.url, admin, { file: model.path, name, config: { task: 'classification' } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      if (deploy) expect((await modelAction(t.url, admin, `/${res.body.id}/deploy`)).status).toBe(200);
      return res.body.id as string;
    };
    deployedId = await upload('alpha-net', 1, true);
    otherDeployedId = await upload('beta-net', 2, true);
    storedOnlyId = await upload('gamma-net', 3, false);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists only deployed models, with their public description and nothing internal', async () => {
    const res = await get(await issue(['*']), '');
    expect(res.status).toBe(200);
    expect(res.body.items.map((model: { name: string }) => model.name).sort()).toEqual(['alpha-net', 'beta-net']);
    const alpha = res.body.items.find((model: { id: string }) => model.id === deployedId);
    expect(Object.keys(alpha).sort()).toEqual(['engine', 'id', 'name', 'signature', 'task', 'version']);
    expect(alpha).toMatchObject({ name: 'alpha-net', engine: 'onnxruntime', version: 1, task: 'classification' });
    expect(alpha.signature.inputs[0]).toMatchObject({ name: 'input', dtype: 'float32' });
  });

  it('narrows the list to the token\'s allowed models', async () => {
    const res = await get(await issue([deployedId]), '');
    expect(res.body.items.map((model: { id: string }) => model.id)).toEqual([deployedId]);
  });

  it('resolves a model name in the route to its id before checking the allow-list', async () => {
    const token = await issue([deployedId]);
    const byName = await get(token, '/alpha-net');
    expect([byName.status, byName.body.id]).toEqual([200, deployedId]);
    expect((await get(token, `/${deployedId}`)).status).toBe(200);
    for (const other of ['/beta-net', `/${otherDeployedId}`, '/gamma-net', '/no-such-model']) {
      const refused = await get(token, other);
      expect([refused.status, refused.body.error.code], other).toEqual([403, 'MODEL_NOT_ALLOWED']);
    }
  });

  it('answers 404 MODEL_NOT_FOUND for an allowed model that is stored but not deployed', async () => {
    const token = await issue([storedOnlyId]);
    const res = await get(token, '/gamma-net');
    expect([res.status, res.body.error.code]).toEqual([404, 'MODEL_NOT_FOUND']);
    expect((await get(token, '')).body.items).toEqual([]);
  });
});
