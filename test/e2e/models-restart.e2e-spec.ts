import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.js';
import { makeDataDir, request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { buildOnnxAdd, buildOnnxClassifier, writeTfjsLayersModel, zipDirectory } from '../fixtures/models/index.js';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { ModelDeployer } from '../../src/serving/model-deployer.js';
import { MODELS, modelAction, uploadModel, uploadVersion } from './models-helpers.js';

describe('model store: failed swaps, config changes and restarts (e2e)', () => {
  let work: string;
  const dataDir = makeDataDir();
  let t: TestApp | undefined;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'modelport-restart-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (app: TestApp, token: string, id: string) => request(`${app.url}${MODELS}/${id}`, { headers: { 'X-Auth-Token': token } });

  it('keeps the old version serving when a swap fails, and reconfigures without a restart', async () => {
    t = await startTestApp({}, dataDir);
    const token = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const created = await uploadModel(t.url, token, { file: buildOnnxClassifier(join(work, 'c1.onnx'), { seed: 3 }).path, name: 'swap-target' });
    const id = created.body.id as string;
    expect((await modelAction(t.url, token, `/${id}/deploy`)).body.status).toBe('deployed');

    // v2 validates, then its file is damaged on disk: the swap must fail and v1 keep serving.
    const v2 = await uploadVersion(t.url, token, id, { file: buildOnnxClassifier(join(work, 'c2.onnx'), { seed: 4 }).path });
    expect(v2.body.status).toBe('validated');
    writeFileSync(join(t.dataDir, 'models', id, 'v2', 'model.onnx'), Buffer.from('corrupted after validation'));
    const swap = await modelAction(t.url, token, `/${id}/versions/2/activate`);
    expect(swap.status).toBe(422);
    expect(swap.body.error.code).toBe('DEPLOY_FAILED');
    expect(swap.body.error.details.servingVersion).toBe(1);
    const after = await get(t, token, id);
    expect(after.body).toMatchObject({ status: 'deployed', activeVersion: 1 });
    expect(t.app.get(ModelDeployer).deployedVersion(id)).toBe(1);

    // A config that contradicts the signature is refused; a valid one is applied in place.
    const bad = await modelAction(t.url, token, `/${id}`, { config: { preprocess: { input: 'missing' } } }, 'PATCH');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_MODEL_CONFIG', details: { field: 'preprocess.input' } });
    const unknownKey = await modelAction(t.url, token, `/${id}`, { colour: 'red' }, 'PATCH');
    expect(unknownKey.status).toBe(400);
    const patched = await modelAction(t.url, token, `/${id}`, { description: 'now with labels', config: { task: 'classification', postprocess: { labels: ['w', 'x', 'y', 'z'] } } }, 'PATCH');
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'deployed', description: 'now with labels', config: { task: 'classification', postprocess: { labels: ['w', 'x', 'y', 'z'] } } });
    expect(t.app.get(ModelDeployer).deployedVersion(id)).toBe(1);

    // Re-validation sees the damage on v2 only when v2 is active; v1 stays valid.
    const revalidated = await modelAction(t.url, token, `/${id}/validate`);
    expect(revalidated.status).toBe(200);
    expect(revalidated.body.validation.ok).toBe(true);
  });

  it('marks a model failed when its first deploy cannot load, and deploys it once fixed', async () => {
    const app = t ?? (t = await startTestApp({}, dataDir));
    const token = await loginAs(app.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const good = buildOnnxAdd(join(work, 'fixable.onnx'));
    const created = await uploadModel(app.url, token, { file: good.path, name: 'fixable' });
    const id = created.body.id as string;
    const stored = join(app.dataDir, 'models', id, 'v1', 'model.onnx');
    writeFileSync(stored, Buffer.from('broken on disk'));
    const failed = await modelAction(app.url, token, `/${id}/deploy`);
    expect(failed.status).toBe(422);
    expect(failed.body.error.code).toBe('DEPLOY_FAILED');
    expect(failed.body.error.details.reason).toBeTruthy();
    const afterFailure = await get(app, token, id);
    expect(afterFailure.body).toMatchObject({ status: 'failed' });
    expect(afterFailure.body.statusReason).toBeTruthy();
    // Viewers see why, never where: no DATA_DIR path and no long engine dump.
    for (const shown of [failed.body.error.details.reason, failed.body.error.message, afterFailure.body.statusReason]) {
      expect(shown).not.toContain(app.dataDir);
      expect(shown.length).toBeLessThanOrEqual(400);
    }
    expect((await modelAction(app.url, token, `/${id}/undeploy`)).body.error.code).toBe('MODEL_NOT_DEPLOYED');

    buildOnnxAdd(stored);
    const retried = await modelAction(app.url, token, `/${id}/deploy`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'deployed', statusReason: null });
    expect((await modelAction(app.url, token, `/${id}?force=true`, undefined, 'DELETE')).status).toBe(204);
  });

  it('restores deployed models at boot, /ready answering 200 only once they serve; a broken one becomes failed', async () => {
    const first = t ?? (await startTestApp({}, dataDir));
    const token = await loginAs(first.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const tfjsDir = join(work, 'tfjs');
    await writeTfjsLayersModel(tfjsDir, { size: 16, filters: 8, convLayers: 2 });
    const uploads = [
      await uploadModel(first.url, token, { file: await zipDirectory(tfjsDir, join(work, 'tfjs.zip')), name: 'restore-tfjs' }),
      await uploadModel(first.url, token, { file: buildOnnxClassifier(join(work, 'r1.onnx'), { seed: 5, size: 64, filters: 32 }).path, name: 'restore-onnx' }),
      await uploadModel(first.url, token, { file: buildOnnxAdd(join(work, 'broken.onnx')).path, name: 'restore-broken' }),
    ];
    const ids = uploads.map((upload) => upload.body.id as string);
    for (const id of ids) expect((await modelAction(first.url, token, `/${id}/deploy`)).body.status).toBe('deployed');
    const models = (await request(`${first.url}${MODELS}?status=deployed`, { headers: { 'X-Auth-Token': token } })).body.items as Array<{ id: string }>;
    const deployedBefore = models.map((model) => model.id);
    expect(deployedBefore).toEqual(expect.arrayContaining(ids));
    // The deploys measured batch profiles and kept them (one file per key) for the restart.
    const profileDir = join(dataDir, 'cache', 'batch-profiles');
    const profileBefore = first.app.get(DeploymentManager).stats(ids[1])?.batchProfile;
    expect(profileBefore?.points.length).toBeGreaterThan(0);
    const keptBefore = new Map(readdirSync(profileDir).map((file) => [file, statSync(join(profileDir, file)).ino]));
    expect(keptBefore.size).toBeGreaterThan(0);
    await first.close({ keepData: true });
    t = undefined;

    writeFileSync(join(dataDir, 'models', ids[2], 'v1', 'model.onnx'), Buffer.from('damaged while the server was down'));
    // What a crash between "rename into models/" and "insert the row" leaves behind, plus a half upload.
    mkdirSync(join(dataDir, 'models', 'ghost-model', 'v1'), { recursive: true });
    writeFileSync(join(dataDir, 'models', 'ghost-model', 'v1', 'model.onnx'), 'orphan');
    mkdirSync(join(dataDir, 'models', ids[1], 'v2'), { recursive: true });
    mkdirSync(join(dataDir, 'tmp', 'interrupted-upload'), { recursive: true });
    writeFileSync(join(dataDir, 'tmp', 'interrupted-upload', 'model.onnx'), 'partial');
    t = await startTestApp({}, dataDir);
    expect(existsSync(join(dataDir, 'models', 'ghost-model'))).toBe(false);
    expect(readdirSync(join(dataDir, 'models', ids[1]))).toEqual(['v1']);
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
    const readyStates: number[] = [];
    let ready = await request(`${t.url}/ready`);
    readyStates.push(ready.status);
    if (ready.status === 503) expect(ready.body.checks.startup).toContain('restore-models');
    const deadline = Date.now() + 60_000;
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      ready = await request(`${t.url}/ready`);
      readyStates.push(ready.status);
    }
    expect(ready.status).toBe(200);
    // Restoring three models (one of them TF.js) takes far longer than one loopback request.
    expect(readyStates[0]).toBe(503);
    // The restore reused the kept profile: the same numbers, and no file measured and written anew (a write renames a new file in).
    expect(t.app.get(DeploymentManager).stats(ids[1])?.batchProfile).toEqual(profileBefore);
    expect(new Map(readdirSync(profileDir).map((file) => [file, statSync(join(profileDir, file)).ino]))).toEqual(keptBefore);
    const deployer = t.app.get(ModelDeployer);
    const token2 = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    for (const id of deployedBefore.filter((id) => id !== ids[2])) {
      expect((await get(t, token2, id)).body.status).toBe('deployed');
      expect(deployer.deployedVersion(id)).toBeDefined();
    }
    const broken = await get(t, token2, ids[2]);
    expect(broken.body.status).toBe('failed');
    expect(broken.body.statusReason).toMatch(/restore at start-up failed/);
    expect(deployer.deployedVersion(ids[2])).toBeUndefined();
    const audit = await request(`${t.url}/api/v1/internal/audit?action=model.restore`, { headers: { 'X-Auth-Token': token2 } });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'model.restore', outcome: 'failure', target: ids[2] })]));
    // Lifecycle calls made over HTTP are audited under their own names.
    const deploys = await request(`${t.url}/api/v1/internal/audit?action=model.deploy`, { headers: { 'X-Auth-Token': token2 } });
    expect(deploys.body.items.length).toBeGreaterThanOrEqual(3);
  });
});
