import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxAdd, buildOnnxClassifier, buildOnnxTwoInputs, expectedAddOutput, writeTfjsLayersModel, zipDirectory } from '../fixtures/models/index.js';
import { chelseaPng, imageForm, infer } from '../serving/serving-helpers.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

describe('KServe v2 / Open Inference Protocol', () => {
  let t: TestApp;
  let work: string;
  let token: string;
  let addId: string;
  let classifierId: string;
  const v2 = (path: string, init: Parameters<typeof request>[1] = {}) => request(`${t.url}/v2${path}`, init);
  const bearer = () => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'kserve-e2e-'));
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    buildOnnxAdd(join(work, 'add.onnx'));
    buildOnnxClassifier(join(work, 'cls.onnx'), { size: 16, classes: 3 });
    addId = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'adder' });
    classifierId = await uploadAndDeploy(t.url, admin, { file: join(work, 'cls.onnx'), name: 'cls', config: { task: 'classification' } });
    token = await issueAccessToken(t.url, admin);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('health endpoints are public', async () => {
    expect(await v2('/health/live')).toMatchObject({ status: 200, body: { live: true } });
    expect(await v2('/health/ready')).toMatchObject({ status: 200, body: { ready: true } });
    expect((await v2('')).body).toMatchObject({ name: 'modelport' });
  });

  it('model metadata by name or id: platform, versions, v2 datatypes and -1 for dynamic dims', async () => {
    const expected = {
      name: 'adder',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }],
    };
    const byName = await v2('/models/adder', { headers: bearer() });
    expect(byName.status, JSON.stringify(byName.body)).toBe(200);
    expect(byName.body).toMatchObject(expected);
    const byId = await v2(`/models/${addId}`, { headers: { 'X-Access-Token': token } });
    expect(byId.body).toMatchObject(expected);
    expect((await v2('/models/adder/ready', { headers: bearer() })).body).toEqual({ name: 'adder', ready: true });
    expect((await v2('/models/adder/versions/1', { headers: bearer() })).body).toMatchObject(expected);
    expect((await v2('/models/adder/versions/1/ready', { headers: bearer() })).body).toEqual({ name: 'adder', ready: true });
    const otherVersion = await v2('/models/adder/versions/7', { headers: bearer() });
    expect([otherVersion.status, otherVersion.body.code]).toEqual([404, 'MODEL_VERSION_NOT_DEPLOYED']);
  });

  it('infer round trip on y = 2x + 1 gives exact outputs, echoes id, honours requested outputs', async () => {
    const data = [0.5, -2, 3, 1e3, 7, 8, 9, 10];
    const res = await v2('/models/adder/infer', {
      method: 'POST',
      headers: bearer(),
      json: { id: 'req-42', inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data }], outputs: [{ name: 'y' }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      model_name: 'adder',
      model_version: '1',
      id: 'req-42',
      outputs: [{ name: 'y', shape: [2, 4], datatype: 'FP32', data: Array.from(expectedAddOutput(data)) }],
    });
    const nested = await v2(`/models/${addId}/infer`, {
      method: 'POST',
      headers: bearer(),
      json: { inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [data.slice(0, 4), data.slice(4)] }] },
    });
    expect(nested.body.outputs[0].data).toEqual(Array.from(expectedAddOutput(data)));
    expect(nested.body.id).toBeUndefined();
    const pinned = await v2('/models/adder/versions/1/infer', { method: 'POST', headers: bearer(), json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] } });
    expect(pinned.body.outputs[0].data).toEqual([3, 5, 7, 9]);
    const wrongVersion = await v2('/models/adder/versions/2/infer', { method: 'POST', headers: bearer(), json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] } });
    expect([wrongVersion.status, wrongVersion.body.code]).toEqual([404, 'MODEL_VERSION_NOT_DEPLOYED']);
    const prioritised = await v2('/models/adder/infer', {
      method: 'POST',
      headers: bearer(),
      json: { parameters: { priority: 5, timeoutMs: 1000, unrelated: 'ignored' }, inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [0, 0, 0, 0] }] },
    });
    expect(prioritised.body.outputs[0].data).toEqual([1, 1, 1, 1]);
    const badPriority = await v2('/models/adder/infer', { method: 'POST', headers: bearer(), json: { parameters: { priority: 1.5 }, inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [0, 0, 0, 0] }] } });
    expect([badPriority.status, badPriority.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('runs an image model on v2 tensors (raw outputs)', async () => {
    const res = await v2('/models/cls/infer', {
      method: 'POST',
      headers: bearer(),
      json: { inputs: [{ name: 'input', shape: [1, 3, 16, 16], datatype: 'FP32', data: new Array(768).fill(0.2) }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outputs[0]).toMatchObject({ name: 'probabilities', shape: [1, 3], datatype: 'FP32' });
    expect(res.body.model_name).toBe('cls');
    expect(classifierId).toBeTruthy();
  });

  it('errors use {"error": message, "code": CODE}', async () => {
    const unknownModel = await v2('/models/nope/infer', { method: 'POST', headers: bearer(), json: { inputs: [] } });
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.body).toMatchObject({ error: expect.any(String), code: 'MODEL_NOT_FOUND' });
    const badShape = await v2('/models/adder/infer', { method: 'POST', headers: bearer(), json: { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] } });
    expect([badShape.status, badShape.body.code, typeof badShape.body.error]).toEqual([400, 'INVALID_INPUT', 'string']);
    const badType = await v2('/models/adder/infer', { method: 'POST', headers: bearer(), json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'INT64', data: [1, 2, 3, 4] }] } });
    expect([badType.status, badType.body.code]).toEqual([400, 'INVALID_INPUT']);
    const unknownType = await v2('/models/adder/infer', { method: 'POST', headers: bearer(), json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP8', data: [1, 2, 3, 4] }] } });
    expect([unknownType.status, unknownType.body.code]).toEqual([400, 'INVALID_INPUT']);
    const unknownOutput = await v2('/models/adder/infer', { method: 'POST', headers: bearer(), json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }], outputs: [{ name: 'z' }] } });
    expect([unknownOutput.status, unknownOutput.body.code]).toEqual([400, 'INVALID_INPUT']);
    const malformed = await v2('/models/adder/infer', { method: 'POST', headers: bearer(), json: { inputs: 'x' } });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const noToken = await v2('/models/adder/infer', { method: 'POST', json: { inputs: [] } });
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({ error: expect.any(String), code: expect.stringMatching(/^ACCESS_TOKEN/) });
    const noTokenMetadata = await v2('/models/adder');
    expect(noTokenMetadata.status).toBe(401);
  });

  it('a TF.js layers model: tensorflow_tfjs platform, NHWC images over REST and tensors over v2', async () => {
    const dir = join(work, 'tfjs');
    await writeTfjsLayersModel(dir, { size: 8, classes: 3 });
    const zip = await zipDirectory(dir, join(work, 'tfjs.zip'));
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const id = await uploadAndDeploy(t.url, admin, { file: zip, name: 'tfjs-cls', config: { task: 'classification' } });
    const metadata = await v2('/models/tfjs-cls', { headers: bearer() });
    expect(metadata.status, JSON.stringify(metadata.body)).toBe(200);
    expect(metadata.body).toMatchObject({ platform: 'tensorflow_tfjs', inputs: [{ datatype: 'FP32', shape: [-1, 8, 8, 3] }] });
    const rest = await infer(t.url, token, id, { body: imageForm([chelseaPng()]) });
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    expect(rest.body.results[0].predictions).toHaveLength(3);
    const inputName = metadata.body.inputs[0].name;
    const tensor = await v2('/models/tfjs-cls/infer', { method: 'POST', headers: bearer(), json: { inputs: [{ name: inputName, shape: [1, 8, 8, 3], datatype: 'FP32', data: new Array(192).fill(0.5) }] } });
    expect(tensor.status, JSON.stringify(tensor.body)).toBe(200);
    expect(tensor.body.outputs[0].shape).toEqual([1, 3]);
    const sum = tensor.body.outputs[0].data.reduce((a: number, b: number) => a + b, 0);
    expect(sum).toBeCloseTo(1, 4);
  });

  it('two inputs with different datatypes (FP32 + INT64) over v2 and REST', async () => {
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const model = buildOnnxTwoInputs(join(work, 'two.onnx'));
    await uploadAndDeploy(t.url, admin, { file: model.path, name: 'two-inputs' });
    const metadata = await v2('/models/two-inputs', { headers: bearer() });
    expect(metadata.body.inputs).toEqual([
      { name: 'a', datatype: 'FP32', shape: [-1, 3] },
      { name: 'shift', datatype: 'INT64', shape: [-1, 1] },
    ]);
    const res = await v2('/models/two-inputs/infer', {
      method: 'POST',
      headers: bearer(),
      json: {
        inputs: [
          { name: 'a', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
          { name: 'shift', shape: [2, 1], datatype: 'INT64', data: [10, -1] },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outputs).toEqual([{ name: 'sum', shape: [2, 3], datatype: 'FP32', data: [11, 12, 13, 3, 4, 5] }]);
    const rest = await infer(t.url, token, 'two-inputs', {
      json: { inputs: { a: { shape: [1, 3], data: [0, 0, 0] }, shift: { shape: [1, 1], dtype: 'int64', data: [7] } } },
    });
    expect(rest.body.results[0].outputs.sum.data).toEqual([7, 7, 7]);
    const rowMismatch = await infer(t.url, token, 'two-inputs', {
      json: { inputs: { a: { shape: [2, 3], data: [0, 0, 0, 0, 0, 0] }, shift: { shape: [1, 1], data: [7] } } },
    });
    expect([rowMismatch.status, rowMismatch.body.error.code]).toEqual([400, 'INVALID_INPUT']);
    const images = await infer(t.url, token, 'two-inputs', { body: imageForm([chelseaPng()]) });
    expect([images.status, images.body.error.code]).toEqual([400, 'INVALID_INPUT']);
  });
});
