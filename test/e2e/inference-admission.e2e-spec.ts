import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActiveDeployment, DeploymentManager } from '../../src/serving/deployment-manager.js';
import type { Admission, ModelRuntime, RuntimeStats } from '../../src/serving/model-runtime.js';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { v2Fetch } from '../helpers/oip-conformance.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { pngClaimingSize } from '../serving/hostile-images.js';
import { chelseaPng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Admission happens right after the model is resolved, before the body is read or any image is
 * decoded: a full queue answers 503 QUEUE_FULL without paying for a decode.
 */
describe('admission before decoding (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let token: string;
  let photo: Buffer;
  const runtimeOf = (id: string): ModelRuntime<ActiveDeployment> => {
    const deployment = t.app.get(DeploymentManager).get(id);
    if (!deployment) throw new Error(`${id} is not deployed`);
    return deployment.runtime;
  };
  const stats = (id: string): RuntimeStats => runtimeOf(id).snapshot();
  async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await tick(2);
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'inference-admission-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    buildOnnxClassifier(join(work, 'small.onnx'), { size: 16, classes: 3 });
    buildOnnxClassifier(join(work, 'slow.onnx'), { size: 640, classes: 3, filters: 256 });
    photo = await sharp(chelseaPng()).resize(160, 120).png().toBuffer();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a full queue refuses before the body is decoded: hostile images get 503, not 400', async () => {
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'small.onnx'),
      name: 'held-full',
      config: { task: 'classification' },
      overrides: { queue: { maxSize: 2 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } },
    });
    const notAnImage = imageForm([{ bytes: Buffer.from('plain text, not an image'), filename: 'x.jpg' }]);
    const bomb = () => imageForm([pngClaimingSize(30000, 30000)]);
    // Every place in the queue is held, as by requests still being preprocessed.
    const held: Admission = runtimeOf(id).admit(2);
    const before = stats(id);
    try {
      for (const body of [notAnImage, bomb(), imageForm([photo])]) {
        const res = await infer(t.url, token, id, { body });
        expect([res.status, res.body.error.code]).toEqual([503, 'QUEUE_FULL']);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      const json = await infer(t.url, token, id, { json: { image: photo.toString('base64') } });
      expect([json.status, json.body.error.code]).toEqual([503, 'QUEUE_FULL']);
      const v2 = await v2Fetch(t.url, `/v2/models/${id}/infer`, {
        method: 'POST',
        headers: { 'X-Access-Token': token },
        json: { inputs: [{ name: 'input', shape: [1, 3, 16, 16], datatype: 'FP32', data: new Array(768).fill(0) }] },
      });
      expect([v2.status, v2.headers.get('x-error-code'), v2.body]).toEqual([503, 'QUEUE_FULL', { error: expect.any(String) }]);
      const after = stats(id);
      expect(after.rejectedItems - before.rejectedItems).toBe(5);
      expect(after.admittedItems).toBe(before.admittedItems);
      expect(after.reservedItems).toBe(2);
    } finally {
      held.release();
    }
    // With room again, the same bodies are read and decoded (and refused for what they are).
    const decoded = await infer(t.url, token, id, { body: bomb() });
    expect([decoded.status, decoded.body.error.code]).toEqual([400, 'INVALID_IMAGE']);
    expect((await infer(t.url, token, id, { body: imageForm([photo]) })).status).toBe(200);
    expect(stats(id).reservedItems).toBe(0);
  });

  it('a request with more images than the room left is refused after counting them, before decoding', async () => {
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'small.onnx'),
      name: 'room-for-two',
      config: { task: 'classification' },
      overrides: { queue: { maxSize: 3 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } },
    });
    const held = runtimeOf(id).admit(1);
    try {
      const before = stats(id);
      // Three images (one of them not an image at all) need three places; two are free.
      const res = await infer(t.url, token, id, { body: imageForm([photo, photo, Buffer.from('not an image')]) });
      expect([res.status, res.body.error.code]).toEqual([503, 'QUEUE_FULL']);
      expect(stats(id).reservedItems).toBe(1);
      expect(stats(id).admittedItems - before.admittedItems).toBe(1);
      const fits = await infer(t.url, token, id, { body: imageForm([photo, photo]) });
      expect(fits.status).toBe(200);
      expect(fits.body.results).toHaveLength(2);
    } finally {
      held.release();
    }
    expect(stats(id).reservedItems).toBe(0);
  });

  it('places are given back on every outcome: bad input, bad images, cancelled clients', async () => {
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'small.onnx'),
      name: 'always-released',
      config: { task: 'classification' },
      overrides: { queue: { maxSize: 2 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } },
    });
    const failures = [
      infer(t.url, token, id, { body: imageForm([Buffer.from('garbage')]) }),
      infer(t.url, token, id, { json: { image: '***' } }),
      infer(t.url, token, id, { json: { nothing: true } }),
      infer(t.url, token, id, { body: 'x', headers: { 'Content-Type': 'text/plain' } }),
      infer(t.url, token, id, { body: '--b\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nabc', headers: { 'Content-Type': 'multipart/form-data; boundary=b' } }),
    ];
    for (const res of await Promise.all(failures)) expect(res.status).toBeGreaterThanOrEqual(400);
    // A client that goes away mid-request.
    const controller = new AbortController();
    const abandoned = fetch(`${t.url}/api/v1/inference/${id}`, { method: 'POST', headers: { 'X-Access-Token': token }, body: imageForm([photo]), signal: controller.signal }).catch(() => 'aborted');
    controller.abort();
    await abandoned;
    await until(() => stats(id).reservedItems === 0 && stats(id).queueDepth === 0 && stats(id).inFlightBatches === 0, 'every place to be given back');
    // The whole queue is usable: two places can be held again.
    runtimeOf(id).admit(2).release();
    expect((await infer(t.url, token, id, { body: imageForm([photo, photo]) })).status).toBe(200);
  });

  it('a flood into a tiny queue: every refused request was never admitted, so never decoded', async () => {
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'slow.onnx'),
      name: 'flood-admission',
      config: { task: 'classification' },
      overrides: { instances: 1, queue: { maxSize: 2, timeoutMs: 120_000 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } },
    });
    const before = stats(id);
    const responses = await Promise.all(Array.from({ length: 24 }, () => infer(t.url, token, id, { body: imageForm([photo]) })));
    const ok = responses.filter((res) => res.status === 200).length;
    const refused = responses.filter((res) => res.status === 503);
    expect(ok + refused.length).toBe(24);
    expect(ok).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const res of refused) expect(res.body.error.code).toBe('QUEUE_FULL');
    const after = stats(id);
    // Preprocessing only ever runs under an admission: exactly the answered requests were admitted.
    expect(after.admittedItems - before.admittedItems).toBe(ok);
    expect(after.rejectedItems - before.rejectedItems).toBe(refused.length);
    expect(after.executedItems - before.executedItems).toBe(ok);
    expect(after.reservedItems).toBe(0);
  }, 300_000);
});
