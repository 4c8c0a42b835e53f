import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { chelseaPng, imageForm, infer, issueAccessToken } from '../serving/serving-helpers.js';
import { modelAction, uploadModel, uploadVersion } from './models-helpers.js';

interface TrafficReport {
  ok: number;
  failures: Array<{ status: number; body: unknown }>;
  versions: number[];
}

/**
 * Runs `clients` request loops against the inference route until `stop` resolves. Every answer is
 * recorded: a swap must never surface as an error to a caller.
 */
async function trafficDuring(url: string, token: string, modelId: string, clients: number, stop: Promise<unknown>): Promise<TrafficReport> {
  const report: TrafficReport = { ok: 0, failures: [], versions: [] };
  let stopped = false;
  void stop.finally(() => (stopped = true));
  const image = chelseaPng();
  const loop = async () => {
    // At least a few requests per client even if the swap is quick.
    for (let sent = 0; !stopped || sent < 3; sent += 1) {
      const response = await infer(url, token, modelId, { body: imageForm([image]) });
      if (response.status === 200) {
        report.ok += 1;
        report.versions.push(response.body.version);
      } else {
        report.failures.push({ status: response.status, body: response.body });
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return report;
}

describe('hot swap while requests flow (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let accessToken: string;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'modelport-swap-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const config = { task: 'classification', postprocess: { labels: ['a', 'b', 'c', 'd'], topK: 1 } };
    const created = await uploadModel(t.url, admin, { file: buildOnnxClassifier(join(work, 'v1.onnx'), { seed: 1, size: 64, filters: 16 }).path, name: 'swapped', config });
    id = created.body.id;
    expect((await modelAction(t.url, admin, `/${id}/deploy`)).status).toBe(200);
    for (const seed of [2, 3]) {
      const version = await uploadVersion(t.url, admin, id, { file: buildOnnxClassifier(join(work, `v${seed}.onnx`), { seed, size: 64, filters: 16 }).path });
      expect(version.status).toBe(201);
    }
    accessToken = await issueAccessToken(t.url, admin);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('swaps v1 → v2 and rolls back to v1 under load with zero failed requests', async () => {
    const swapTo2 = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return modelAction(t.url, admin, `/${id}/versions/2/activate`);
    })();
    const during = await trafficDuring(t.url, accessToken, id, 4, swapTo2.then(() => new Promise((resolve) => setTimeout(resolve, 150))));
    const swapped = await swapTo2;
    expect(swapped.status, JSON.stringify(swapped.body)).toBe(200);
    expect(swapped.body.activeVersion).toBe(2);
    expect(during.failures).toEqual([]);
    expect(during.versions).toContain(1);
    expect(during.versions.at(-1)).toBe(2);

    const rollback = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return modelAction(t.url, admin, `/${id}/versions/1/activate`);
    })();
    const back = await trafficDuring(t.url, accessToken, id, 4, rollback.then(() => new Promise((resolve) => setTimeout(resolve, 150))));
    expect((await rollback).body.activeVersion).toBe(1);
    expect(back.failures).toEqual([]);
    expect(back.versions).toContain(2);
    expect(back.versions.at(-1)).toBe(1);
  });

  it('keeps serving the old version, without a single failed request, when a swap fails under load', async () => {
    writeFileSync(join(t.dataDir, 'models', id, 'v3', 'model.onnx'), Buffer.from('this file was damaged after validation'));
    const failingSwap = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return modelAction(t.url, admin, `/${id}/versions/3/activate`);
    })();
    const during = await trafficDuring(t.url, accessToken, id, 4, failingSwap.then(() => new Promise((resolve) => setTimeout(resolve, 100))));
    const swap = await failingSwap;
    expect(swap.status).toBe(422);
    expect(swap.body.error.code).toBe('DEPLOY_FAILED');
    expect(during.failures).toEqual([]);
    expect(new Set(during.versions)).toEqual(new Set([1]));
    const after = await infer(t.url, accessToken, id, { body: imageForm([chelseaPng()]) });
    expect(after.status).toBe(200);
    expect(after.body.version).toBe(1);
  });
});
