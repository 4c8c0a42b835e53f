import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { buildOnnxAdd, buildOnnxClassifier, writeTfjsGraphModel, writeTfjsLayersModel, zipDirectory } from '../fixtures/models/index.js';
import { writeZipOf } from '../medium/storage-zip-builders.js';
import { chelseaPng, imageForm, infer, issueAccessToken } from '../serving/serving-helpers.js';
import { MODELS, modelAction, uploadModel, uploadVersion } from './models-helpers.js';

describe('model store lifecycle (e2e)', () => {
  let t: TestApp;
  let token: string;
  let accessToken: string;
  let work: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    accessToken = await issueAccessToken(t.url, token);
    work = mkdtempSync(join(tmpdir(), 'modelport-models-e2e-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('uploads an ONNX classifier, deploys, swaps versions, rolls back, undeploys and deletes', async () => {
    const v1 = buildOnnxClassifier(join(work, 'classifier-v1.onnx'), { seed: 1 });
    const upload = await uploadModel(t.url, token, {
      file: v1.path,
      name: 'cat-classifier',
      description: 'tiny test classifier',
      config: { task: 'classification', postprocess: { labels: ['a', 'b', 'c', 'd'], topK: 2 } },
    });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({
      name: 'cat-classifier',
      description: 'tiny test classifier',
      engine: 'onnxruntime',
      format: 'onnx',
      status: 'validated',
      version: 1,
      activeVersion: 1,
      validation: { ok: true, errors: [] },
      config: { task: 'classification' },
    });
    expect(upload.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(upload.body.signature.inputs[0]).toMatchObject({ name: 'input', dtype: 'float32' });
    expect(upload.body.signature.inputs[0].shape.slice(1)).toEqual([3, 32, 32]);
    const id = upload.body.id as string;

    const listed = await request(`${t.url}${MODELS}?status=validated&search=cat-`, { headers: { 'X-Auth-Token': token } });
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(1);
    expect(listed.body.items[0].id).toBe(id);

    const deployed = await modelAction(t.url, token, `/${id}/deploy`, { batching: { maxBatchSize: 4 } });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    expect(deployed.body).toMatchObject({ status: 'deployed', activeVersion: 1, deploymentOverrides: { batching: { maxBatchSize: 4 } }, deployment: { batching: { maxBatchSize: 4 } } });
    expect((await modelAction(t.url, token, `/${id}/deploy`)).body.error.code).toBe('MODEL_ALREADY_DEPLOYED');
    const served = await infer(t.url, accessToken, id, { body: imageForm([chelseaPng()]) });
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect(served.body.version).toBe(1);
    expect(served.body.results[0].predictions).toHaveLength(2);
    for (const prediction of served.body.results[0].predictions) expect(['a', 'b', 'c', 'd']).toContain(prediction.label);

    // A config change reaches the serving model without a redeploy.
    const patched = await modelAction(t.url, token, `/${id}`, { config: { task: 'classification', postprocess: { labels: ['w', 'x', 'y', 'z'], topK: 3 } } }, 'PATCH');
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const relabelled = await infer(t.url, accessToken, id, { body: imageForm([chelseaPng()]) });
    expect(relabelled.body.results[0].predictions).toHaveLength(3);
    for (const prediction of relabelled.body.results[0].predictions) expect(['w', 'x', 'y', 'z']).toContain(prediction.label);

    const v2 = buildOnnxClassifier(join(work, 'classifier-v2.onnx'), { seed: 2 });
    const version2 = await uploadVersion(t.url, token, id, { file: v2.path });
    expect(version2.status).toBe(201);
    expect(version2.body).toMatchObject({ version: 2, status: 'validated', active: false, config: { task: 'classification', postprocess: { labels: ['w', 'x', 'y', 'z'] } } });

    const swapped = await modelAction(t.url, token, `/${id}/versions/2/activate`);
    expect(swapped.status).toBe(200);
    expect(swapped.body).toMatchObject({ status: 'deployed', activeVersion: 2, version: 2 });
    expect(swapped.body.sha256).toBe(version2.body.sha256);
    expect((await infer(t.url, accessToken, id, { body: imageForm([chelseaPng()]) })).body.version).toBe(2);

    const rolledBack = await modelAction(t.url, token, `/${id}/versions/1/activate`);
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({ status: 'deployed', activeVersion: 1 });
    expect(rolledBack.body.sha256).toBe(upload.body.sha256);
    expect((await infer(t.url, accessToken, id, { body: imageForm([chelseaPng()]) })).body.version).toBe(1);

    const detail = await request(`${t.url}${MODELS}/${id}`, { headers: { 'X-Auth-Token': token } });
    expect(detail.body.versions.map((v: { version: number; active: boolean }) => [v.version, v.active])).toEqual([
      [1, true],
      [2, false],
    ]);

    expect((await modelAction(t.url, token, `/${id}`, undefined, 'DELETE')).body.error.code).toBe('MODEL_DEPLOYED');
    const undeployed = await modelAction(t.url, token, `/${id}/undeploy`);
    expect(undeployed.status).toBe(200);
    expect(undeployed.body.status).toBe('validated');
    expect((await infer(t.url, accessToken, id, { body: imageForm([chelseaPng()]) })).status).toBeGreaterThanOrEqual(400);
    expect((await modelAction(t.url, token, `/${id}/undeploy`)).body.error.code).toBe('MODEL_NOT_DEPLOYED');

    expect(existsSync(join(t.dataDir, 'models', id, 'v2'))).toBe(true);
    const deleted = await modelAction(t.url, token, `/${id}`, undefined, 'DELETE');
    expect(deleted.status).toBe(204);
    expect(existsSync(join(t.dataDir, 'models', id))).toBe(false);
    expect((await request(`${t.url}${MODELS}/${id}`, { headers: { 'X-Auth-Token': token } })).body.error.code).toBe('MODEL_NOT_FOUND');
  });

  it('uploads a TF.js layers model zipped inside a top-level folder and deploys it', async () => {
    const info = await writeTfjsLayersModel(join(work, 'tfjs/my-model'));
    const zip = await zipDirectory(join(work, 'tfjs'), join(work, 'tfjs-model.zip'));
    const upload = await uploadModel(t.url, token, { file: zip, name: 'tfjs-classifier' });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ engine: 'tensorflow', format: 'tfjs', status: 'validated' });
    expect(upload.body.signature.inputs[0].shape.slice(1)).toEqual(info.inputShape.slice(1));
    const id = upload.body.id as string;
    const deployed = await modelAction(t.url, token, `/${id}/deploy`);
    expect(deployed.status).toBe(200);
    expect(deployed.body.status).toBe('deployed');
    const served = await infer(t.url, accessToken, id, { body: imageForm([chelseaPng()]) });
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect(served.body.results).toHaveLength(1);
    const forced = await modelAction(t.url, token, `/${id}?force=true`, undefined, 'DELETE');
    expect(forced.status).toBe(204);
    expect(existsSync(join(t.dataDir, 'models', id))).toBe(false);
  });

  it('documents the routes in OpenAPI with the multipart form and the auth header', async () => {
    const doc = await request(`${t.url}/docs-json`);
    const upload = doc.body.paths['/api/v1/internal/models'].post;
    expect(Object.keys(upload.requestBody.content)).toContain('multipart/form-data');
    expect(upload.requestBody.content['multipart/form-data'].schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(upload.security).toEqual([{ 'X-Auth-Token': [] }]);
    expect(doc.body.paths['/api/v1/internal/models/{id}/versions/{version}/activate'].post).toBeDefined();
  });

  it('detects formats: a TF.js graph model at the zip root, a SavedModel, and a TensorRT plan', async () => {
    const graph = writeTfjsGraphModel(join(work, 'graph'));
    const graphUpload = await uploadModel(t.url, token, { file: await zipDirectory(graph.dir, join(work, 'graph.zip')), name: 'graph-model' });
    expect(graphUpload.status, JSON.stringify(graphUpload.body)).toBe(201);
    expect(graphUpload.body).toMatchObject({ engine: 'tensorflow', format: 'tfjs', status: 'validated' });
    expect(graphUpload.body.signature.inputs[0].shape.at(-1)).toBe(4);

    const savedModel = await writeZipOf(join(work, 'saved.zip'), { 'export/saved_model.pb': 'not really a graph', 'export/variables/variables.index': 'x' });
    const savedUpload = await uploadModel(t.url, token, { file: savedModel, name: 'saved-model' });
    expect(savedUpload.status).toBe(201);
    expect(savedUpload.body).toMatchObject({ format: 'savedmodel', status: 'invalid', validation: { ok: false } });
    expect(savedUpload.body.statusReason).toBeTruthy();

    const plan = await uploadModel(t.url, token, { file: Buffer.from('serialized engine bytes'), filename: 'detector.engine', name: 'trt-plan' });
    expect(plan.status).toBe(201);
    expect(plan.body).toMatchObject({ format: 'tensorrt-plan', status: 'invalid' });
    expect(plan.body.validation.errors[0].code).toMatch(/^[A-Z_]+$/);
  });

  it('stores random bytes named .onnx as invalid with a report, and refuses to deploy it', async () => {
    const upload = await uploadModel(t.url, token, { file: Buffer.from('definitely not a protobuf '.repeat(20)), filename: 'junk.onnx', name: 'junk' });
    expect(upload.status).toBe(201);
    expect(upload.body.status).toBe('invalid');
    expect(upload.body.validation.ok).toBe(false);
    expect(upload.body.validation.errors[0].code).toMatch(/^[A-Z_]+$/);
    expect(upload.body.signature).toBeNull();
    const deploy = await modelAction(t.url, token, `/${upload.body.id}/deploy`);
    expect(deploy.status).toBe(409);
    expect(deploy.body.error.code).toBe('MODEL_NOT_VALID');
  });

  it('refuses a config that contradicts the signature and stores nothing', async () => {
    const add = buildOnnxAdd(join(work, 'add.onnx'));
    const before = readdirSync(join(t.dataDir, 'models')).length;
    const upload = await uploadModel(t.url, token, { file: add.path, name: 'contradiction', config: { preprocess: { input: 'nope' } } });
    expect(upload.status).toBe(400);
    expect(upload.body.error).toMatchObject({ code: 'INVALID_MODEL_CONFIG', details: { field: 'preprocess.input' } });
    expect(readdirSync(join(t.dataDir, 'models')).length).toBe(before);
    expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([]);
    const listed = await request(`${t.url}${MODELS}?search=contradiction`, { headers: { 'X-Auth-Token': token } });
    expect(listed.body.total).toBe(0);
  });
});
