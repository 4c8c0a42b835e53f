import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxAdd, buildOnnxClassifier, expectedAddOutput } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { chelseaPng, coffeePng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

describe('inference over HTTP: body kinds, options and results', () => {
  let t: TestApp;
  let work: string;
  let token: string;
  let classifierId: string;
  let addId: string;
  const labels = ['cat', 'dog', 'cup', 'car', 'tree'];

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'inference-e2e-'));
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 32, classes: 5 });
    buildOnnxAdd(join(work, 'add.onnx'));
    classifierId = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'classifier.onnx'),
      name: 'classifier',
      config: { task: 'classification', postprocess: { labels, topK: 3 } },
    });
    addId = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'add' });
    token = await issueAccessToken(t.url, admin);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('classifies a multipart image: topK sorted predictions with labels, timing and ids', async () => {
    const res = await infer(t.url, token, classifierId, { body: imageForm([chelseaPng()]), headers: { 'X-Request-Id': 'req-cls-1' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ modelId: classifierId, version: 1, requestId: 'req-cls-1' });
    const [result] = res.body.results;
    expect(result.predictions).toHaveLength(3);
    const scores = result.predictions.map((p: { score: number }) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const prediction of result.predictions) expect(prediction.label).toBe(labels[prediction.index]);
    expect(Object.keys(res.body.timing).sort()).toEqual(['inferenceMs', 'postprocessMs', 'preprocessMs', 'queueMs', 'totalMs']);
  });
});
