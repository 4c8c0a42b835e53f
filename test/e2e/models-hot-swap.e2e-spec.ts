import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { startTestApp, TEST_ADMIN, type JsonResponse, type TestApp } from '../helpers/test-app.js';
import { chelseaPng, coffeePng, imageForm, infer, issueAccessToken } from '../serving/serving-helpers.js';
import { modelAction, uploadModel, uploadVersion } from './models-helpers.js';

interface Answer {
  version: number;
  image: number;
  predictions: Array<{ label: string; score: number }>;
}

interface TrafficReport {
  answers: Answer[];
  failures: Array<{ status: number; body: unknown }>;
}

/**
 * Runs `clients` request loops against the inference route while `action` runs: the action starts
 * once `before` answers have arrived, and the loops stop once it has finished and `after` more
 * answers have arrived. Counting answers instead of waiting fixed times keeps this independent of
 * the machine's speed. Every answer is recorded: a swap must never surface as an error.
 */
async function trafficAround(
  url: string,
  token: string,
  modelId: string,
  action: () => Promise<JsonResponse>,
  { clients = 4, before = 8, after = 8 } = {},
): Promise<{ report: TrafficReport; result: JsonResponse }> {
  const report: TrafficReport = { answers: [], failures: [] };
  const images = [chelseaPng(), coffeePng()];
  let answered = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  let started!: () => void;
  const startSignal = new Promise<void>((resolve) => (started = resolve));
  const loop = async (client: number) => {
    for (let sent = 0; answered < stopAt; sent += 1) {
      const image = (client + sent) % images.length;
      const response = await infer(url, token, modelId, { body: imageForm([images[image]]) });
      answered += 1;
      if (answered >= before) started();
      if (response.status === 200) report.answers.push({ version: response.body.version, image, predictions: response.body.results[0].predictions });
      else report.failures.push({ status: response.status, body: response.body });
    }
  };
  const loops = Array.from({ length: clients }, (_, client) => loop(client));
  await startSignal;
  const result = await action();
  stopAt = answered + after;
  await Promise.all(loops);
  return { report, result };
}

/** The answer a version gives for each image when nothing else is happening. */
async function referenceAnswers(url: string, token: string, modelId: string): Promise<Answer['predictions'][]> {
  const answers: Answer['predictions'][] = [];
  for (const image of [chelseaPng(), coffeePng()]) {
    const response = await infer(url, token, modelId, { body: imageForm([image]) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    answers.push(response.body.results[0].predictions);
  }
  return answers;
}

function expectMatchesReference(answer: Answer, reference: Map<number, Answer['predictions'][]>): void {
  const expected = reference.get(answer.version)?.[answer.image];
  expect(expected, `an answer from unknown version ${answer.version}`).toBeDefined();
  expect(answer.predictions.map((p) => p.label)).toEqual(expected!.map((p) => p.label));
  answer.predictions.forEach((prediction, index) => expect(prediction.score).toBeCloseTo(expected![index].score, 5));
}

describe('hot swap while requests flow (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let accessToken: string;
  let id: string;
  const reference = new Map<number, Answer['predictions'][]>();

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'modelport-swap-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    accessToken = await issueAccessToken(t.url, admin);
    // Two different models as versions 1 and 2: other input sizes, classes, labels and preprocessing,
    // so an item preprocessed for one version cannot run on, or be postprocessed by, the other.
    const v1Config = { task: 'classification', preprocess: { resize: 'stretch' }, postprocess: { labels: ['v1-a', 'v1-b', 'v1-c', 'v1-d'], topK: 2 } };
    const v2Config = {
      task: 'classification',
      preprocess: { resize: 'crop', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      postprocess: { labels: ['v2-x', 'v2-y', 'v2-z'], topK: 3 },
    };
    const v1 = buildOnnxClassifier(join(work, 'v1.onnx'), { seed: 1, size: 64, filters: 16, classes: 4 });
    const v2 = buildOnnxClassifier(join(work, 'v2.onnx'), { seed: 7, size: 40, filters: 8, classes: 3, inputName: 'pixels', outputName: 'scores' });
    const created = await uploadModel(t.url, admin, { file: v1.path, name: 'swapped', config: v1Config });
    id = created.body.id;
    expect((await modelAction(t.url, admin, `/${id}/deploy`, { instances: 2, batching: { maxBatchSize: 4, maxQueueDelayMs: 1 } })).status).toBe(200);
    reference.set(1, await referenceAnswers(t.url, accessToken, id));
    expect((await uploadVersion(t.url, admin, id, { file: v2.path, config: v2Config })).status).toBe(201);
    expect((await modelAction(t.url, admin, `/${id}/versions/2/activate`)).status).toBe(200);
    reference.set(2, await referenceAnswers(t.url, accessToken, id));
    expect((await modelAction(t.url, admin, `/${id}/versions/1/activate`)).status).toBe(200);
    const broken = await uploadVersion(t.url, admin, id, { file: buildOnnxClassifier(join(work, 'v3.onnx'), { seed: 3, size: 64, filters: 16 }).path });
    expect(broken.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the two versions really answer differently (the test below could not pass by accident)', () => {
    expect(reference.get(1)![0].map((p) => p.label)[0]).toMatch(/^v1-/);
    expect(reference.get(2)![0].map((p) => p.label)[0]).toMatch(/^v2-/);
    expect(reference.get(2)![0]).toHaveLength(3);
  });

  it('swaps v1 → v2 and back under load: zero failed requests, every answer is the admitting version’s', async () => {
    const forward = await trafficAround(t.url, accessToken, id, () => modelAction(t.url, admin, `/${id}/versions/2/activate`));
    expect(forward.result.status, JSON.stringify(forward.result.body)).toBe(200);
    expect(forward.result.body.activeVersion).toBe(2);
    expect(forward.report.failures).toEqual([]);
    expect(forward.report.answers.map((answer) => answer.version)).toContain(1);
    expect(forward.report.answers.at(-1)?.version).toBe(2);
    for (const answer of forward.report.answers) expectMatchesReference(answer, reference);

    const back = await trafficAround(t.url, accessToken, id, () => modelAction(t.url, admin, `/${id}/versions/1/activate`));
    expect(back.result.body.activeVersion).toBe(1);
    expect(back.report.failures).toEqual([]);
    expect(back.report.answers.map((answer) => answer.version)).toContain(2);
    expect(back.report.answers.at(-1)?.version).toBe(1);
    for (const answer of back.report.answers) expectMatchesReference(answer, reference);
  });

  it('keeps serving the old version, without a single failed request, when a swap fails under load', async () => {
    // Self-contained: start from version 1 whatever the test above left behind.
    expect((await modelAction(t.url, admin, `/${id}/versions/1/activate`)).status).toBe(200);
    writeFileSync(join(t.dataDir, 'models', id, 'v3', 'model.onnx'), Buffer.from('this file was damaged after validation'));
    const during = await trafficAround(t.url, accessToken, id, () => modelAction(t.url, admin, `/${id}/versions/3/activate`));
    expect(during.result.status).toBe(422);
    expect(during.result.body.error.code).toBe('DEPLOY_FAILED');
    expect(during.report.failures).toEqual([]);
    expect(new Set(during.report.answers.map((answer) => answer.version))).toEqual(new Set([1]));
    for (const answer of during.report.answers) expectMatchesReference(answer, reference);
  });
});
