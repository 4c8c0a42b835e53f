/**
 * Uploading an ONNX model with "engine": "tensorrt": the model store hands it to the TensorRT engine,
 * which builds a plan where TensorRT and a GPU are present. Where they are not, the upload is stored
 * as invalid with the engine's exact reason, and the same artifact still validates on onnxruntime.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTensorRtEngine } from '../../engines/tensorrt/index.js';
import { buildOnnxAdd } from '../fixtures/models/index.js';
import { silentLogger } from '../engines/engine-test-helpers.js';
import { loginAs } from '../helpers/auth.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { uploadModel } from './models-helpers.js';

describe('ONNX uploads for the TensorRT engine (e2e)', () => {
  let t: TestApp;
  let token: string;
  let work: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    work = mkdtempSync(join(tmpdir(), 'modelport-trt-e2e-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('accepts the request and reports what the TensorRT engine says about the artifact', async () => {
    const add = buildOnnxAdd(join(work, 'add.onnx'));
    const upload = await uploadModel(t.url, token, { file: add.path, name: 'trt-add', config: { engine: 'tensorrt' } });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    expect(upload.body).toMatchObject({ engine: 'tensorrt', format: 'onnx' });
    const probe = await createTensorRtEngine({ config: {}, logger: silentLogger }).probe();
    if (probe.available) {
      expect(upload.body).toMatchObject({ status: 'validated', validation: { ok: true } });
    } else {
      expect(upload.body).toMatchObject({ status: 'invalid', validation: { ok: false, errors: [{ code: 'ENGINE_UNAVAILABLE' }] } });
      expect(upload.body.validation.errors[0].message).toMatch(/engine "tensorrt" is unavailable: (TensorRT addon not built|TensorRT\/CUDA libraries not found|no CUDA device)/);
    }
    const plain = await uploadModel(t.url, token, { file: add.path, name: 'ort-add' });
    expect(plain.body).toMatchObject({ engine: 'onnxruntime', format: 'onnx', status: 'validated' });
  });
});
