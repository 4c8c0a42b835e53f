import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY_HEADER_LENGTH_HEADER, decodeBinaryBody } from '../../src/serving/binary-tensors.js';
import { buildOnnxAdd, buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { chelseaPng, coffeePng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

describe('binary raw outputs: output=raw&encoding=binary (e2e)', () => {
  let t: TestApp;
  let work: string;
  let token: string;
  let classifier: string;
  let adder: string;

  async function binary(model: string, init: { body?: FormData; json?: unknown }) {
    const response = await fetch(`${t.url}/api/v1/inference/${model}?output=raw&encoding=binary`, {
      method: 'POST',
      headers: { 'X-Access-Token': token, ...(init.json ? { 'content-type': 'application/json' } : {}) },
      body: init.json ? JSON.stringify(init.json) : init.body,
    });
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.status, body.toString('utf8', 0, 300)).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/octet-stream');
    return decodeBinaryBody(body, Number(response.headers.get(BINARY_HEADER_LENGTH_HEADER)));
  }

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'modelport-binary-'));
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    classifier = await uploadAndDeploy(t.url, admin, { file: buildOnnxClassifier(join(work, 'c.onnx'), { size: 48, classes: 5 }).path, name: 'binary-classifier', config: { task: 'classification' } });
    adder = await uploadAndDeploy(t.url, admin, { file: buildOnnxAdd(join(work, 'add.onnx')).path, name: 'binary-add' });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('images: every output tensor round-trips exactly against the JSON form', async () => {
    const form = () => imageForm([chelseaPng(), coffeePng()]);
    const json = await infer(t.url, token, classifier, { body: form(), query: 'output=raw' });
    expect(json.status).toBe(200);
    const decoded = await binary(classifier, { body: form() });
    expect(decoded.header).toMatchObject({ modelId: classifier, version: json.body.version });
    expect(decoded.results).toHaveLength(2);
    decoded.results.forEach((outputs, index) => {
      const expected = json.body.results[index].outputs;
      expect(Object.keys(outputs)).toEqual(Object.keys(expected));
      for (const [name, tensor] of Object.entries(outputs)) {
        expect(tensor.shape).toEqual(expected[name].shape);
        expect(tensor.dtype).toBe('float32');
        expect(tensor.data).toBeInstanceOf(Float32Array);
        // Exact: JSON carries each float32 as the double it is; Math.fround of it is the same float.
        expect(Array.from(tensor.data as Float32Array)).toEqual(expected[name].data.map(Math.fround));
        expect(decoded.header.results[index].outputs[name].parameters.binary_data_size).toBe(tensor.shape.reduce((a, b) => a * b, 1) * 4);
      }
    });
  });

  it('tensors: the same exact values, little-endian', async () => {
    const request = { inputs: { x: { shape: [2, 4], data: [0.1, -2.5, 3e-7, 1e20, 7, 8, 9, 10] } } };
    const json = await infer(t.url, token, adder, { json: request, query: 'output=raw' });
    const decoded = await binary(adder, { json: request });
    const y = decoded.results[0].y;
    expect(y.shape).toEqual([2, 4]);
    expect(Array.from(y.data as Float32Array)).toEqual(json.body.results[0].outputs.y.data.map(Math.fround));
  });

  it('refuses encoding=binary without output=raw', async () => {
    const res = await infer(t.url, token, classifier, { body: imageForm([chelseaPng()]), query: 'encoding=binary' });
    expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
