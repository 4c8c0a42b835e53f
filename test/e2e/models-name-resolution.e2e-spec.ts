import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxAdd } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { v2Fetch } from '../helpers/oip-conformance.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';
import { modelAction, uploadModel } from './models-helpers.js';

/**
 * Model ids and names are resolved from memory on the request path; these check that every
 * rename, create and delete is seen by the very next request.
 */
describe('model id/name resolution follows renames and deletes at once (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let anyModel: string;
  const v2 = (token: string, name: string) => v2Fetch(t.url, `/v2/models/${encodeURIComponent(name)}`, { headers: { 'X-Access-Token': token } });
  const external = (token: string, idOrName: string) => request(`${t.url}/api/v1/models/${encodeURIComponent(idOrName)}`, { headers: { 'X-Access-Token': token } });
  const infer = (token: string, idOrName: string) =>
    v2Fetch(t.url, `/v2/models/${encodeURIComponent(idOrName)}/infer`, {
      method: 'POST',
      headers: { 'X-Access-Token': token },
      json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
    });

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'name-resolution-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    anyModel = await issueAccessToken(t.url, admin);
    buildOnnxAdd(join(work, 'add.onnx'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a renamed model answers to its new name at once and no longer to the old one', async () => {
    const id = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'before-rename' });
    const restricted = await issueAccessToken(t.url, admin, [id]);
    expect((await v2(anyModel, 'before-rename')).status).toBe(200);
    expect((await infer(restricted, 'before-rename')).status).toBe(200);

    const renamed = await modelAction(t.url, admin, `/${id}`, { name: 'after-rename' }, 'PATCH');
    expect(renamed.status).toBe(200);

    const byNewName = await v2(anyModel, 'after-rename');
    expect([byNewName.status, byNewName.body.id, byNewName.body.name]).toEqual([200, id, 'after-rename']);
    expect((await external(anyModel, 'after-rename')).body.id).toBe(id);
    expect((await infer(restricted, 'after-rename')).status).toBe(200);

    const byOldName = await v2(anyModel, 'before-rename');
    expect([byOldName.status, byOldName.headers.get('x-error-code')]).toEqual([404, 'MODEL_NOT_FOUND']);
    // The restricted token's allow-list holds the id; the old name no longer maps to it.
    const restrictedOld = await infer(restricted, 'before-rename');
    expect([restrictedOld.status, restrictedOld.headers.get('x-error-code')]).toEqual([403, 'MODEL_NOT_ALLOWED']);
  });

  it('a freed name is taken over by the model that is given it next', async () => {
    const first = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'shared-name' });
    expect((await v2(anyModel, 'shared-name')).body.id).toBe(first);
    expect((await modelAction(t.url, admin, `/${first}`, { name: 'shared-name-old' }, 'PATCH')).status).toBe(200);
    const second = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'shared-name' });
    expect((await v2(anyModel, 'shared-name')).body.id).toBe(second);
    expect((await v2(anyModel, 'shared-name-old')).body.id).toBe(first);
  });

  it('a failed rename (name taken) changes nothing', async () => {
    const taken = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'taken-name' });
    const other = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'other-name' });
    const clash = await modelAction(t.url, admin, `/${other}`, { name: 'taken-name' }, 'PATCH');
    expect([clash.status, clash.body.error.code]).toEqual([409, 'MODEL_NAME_TAKEN']);
    expect((await v2(anyModel, 'taken-name')).body.id).toBe(taken);
    expect((await v2(anyModel, 'other-name')).body.id).toBe(other);
  });

  it('a deleted model is 404 at once, by id and by name', async () => {
    const id = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'doomed' });
    const restricted = await issueAccessToken(t.url, admin, [id]);
    expect((await external(restricted, 'doomed')).status).toBe(200);
    expect((await modelAction(t.url, admin, `/${id}?force=true`, undefined, 'DELETE')).status).toBe(204);
    for (const key of [id, 'doomed']) {
      const gone = await v2(anyModel, key);
      expect([gone.status, gone.headers.get('x-error-code')], key).toEqual([404, 'MODEL_NOT_FOUND']);
      expect((await external(anyModel, key)).status, key).toBe(404);
      expect((await infer(anyModel, key)).status, key).toBe(404);
    }
    // The token's allow-list still holds the id: the model is gone, not forbidden.
    const stillListed = await v2(restricted, id);
    expect([stillListed.status, stillListed.headers.get('x-error-code')]).toEqual([404, 'MODEL_NOT_FOUND']);
  });

  it('a model uploaded but not deployed resolves (503 not deployed / 404 as before), and unknown names stay unknown', async () => {
    const upload = await uploadModel(t.url, admin, { file: join(work, 'add.onnx'), name: 'stored-only' });
    expect(upload.status).toBe(201);
    const notDeployed = await v2(anyModel, 'stored-only');
    expect([notDeployed.status, notDeployed.headers.get('x-error-code')]).toEqual([503, 'MODEL_NOT_DEPLOYED']);
    const unknown = await v2(anyModel, 'never-existed');
    expect([unknown.status, unknown.headers.get('x-error-code')]).toEqual([404, 'MODEL_NOT_FOUND']);
  });

  it('refuses names that could never be reached by name or would corrupt logs, and allow-lists naming them', async () => {
    const file = join(work, 'add.onnx');
    for (const name of ['a\x00b\x1b[31m', 'tab\there', 'x'.repeat(101), 'é'.repeat(20)]) {
      const res = await uploadModel(t.url, admin, { file, name });
      expect([res.status, res.body.error?.code], JSON.stringify(name)).toEqual([400, 'VALIDATION_FAILED']);
    }
    const longest = 'n'.repeat(100);
    const id = await uploadAndDeploy(t.url, admin, { file, name: longest });
    expect((await external(anyModel, longest)).body.id).toBe(id);
    expect((await infer(anyModel, longest)).status).toBe(200);
    const rename = await modelAction(t.url, admin, `/${id}`, { name: 'bad\u0007bell' }, 'PATCH');
    expect(rename.status).toBe(400);

    const token = await request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'odd', allowedModels: ['x'.repeat(150)] } });
    expect([token.status, token.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
