import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { buildOnnxClassifier } from '../fixtures/models/onnx-builders.js';
import { uploadAndDeploy } from '../serving/serving-helpers.js';

const MODELS = '/api/v1/internal/models';

/** Every load checks the stored artifact's sha256, so a file changed in a (shared) model store is refused, never served. */
describe('artifact integrity before loading', () => {
  let t: TestApp;
  let admin: string;
  let work: string;
  let store: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'modelport-integrity-'));
    store = join(work, 'store');
    t = await startTestApp({ MODEL_STORE_DIR: store });
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });

  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a corrupted artifact is refused at deploy (422, sha256 mismatch) and the model says why', async () => {
    const classifier = buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 16, classes: 3 });
    const id = await uploadAndDeploy(t.url, admin, { file: classifier.path, name: 'integrity', config: { task: 'classification' } });
    // The versions live in MODEL_STORE_DIR.
    expect(readdirSync(join(store, id))).toEqual(['v1']);
    expect((await request(`${t.url}${MODELS}/${id}/undeploy`, { method: 'POST', headers: { 'X-Auth-Token': admin } })).status).toBe(200);

    const [artifact] = readdirSync(join(store, id, 'v1'));
    appendFileSync(join(store, id, 'v1', artifact), Buffer.from([0]));
    const deployed = await request(`${t.url}${MODELS}/${id}/deploy`, { method: 'POST', headers: { 'X-Auth-Token': admin } });
    expect(deployed.status).toBe(422);
    expect(deployed.body.error.code).toBe('DEPLOY_FAILED');
    expect(deployed.body.error.message).toMatch(/does not match its sha256/);
    const model = await request(`${t.url}${MODELS}/${id}`, { headers: { 'X-Auth-Token': admin } });
    expect(model.body.status).toBe('failed');
    expect(model.body.statusReason).toMatch(/version 1 does not match its sha256/);
  });
});
