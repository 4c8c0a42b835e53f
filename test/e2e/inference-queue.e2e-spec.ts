import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import type { RuntimeStats } from '../../src/serving/model-runtime.js';
import { buildOnnxAdd, buildOnnxClassifier, expectedAddOutput } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { chelseaPng, IMAGES_DIR, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

const MODELS = '/api/v1/internal/models';
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('queueing and batching over HTTP with real ONNX models', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let token: string;
  let photo: Buffer;
  const stats = (id: string): RuntimeStats => {
    const snapshot = t.app.get(DeploymentManager).stats(id);
    if (!snapshot) throw new Error(`${id} is not deployed`);
    return snapshot;
  };
  /** Items the runtime has accepted so far (batches of one row here, so in-flight batches = in-flight items). */
  const admitted = (id: string) => {
    const s = stats(id);
    return s.executedItems + s.expiredItems + s.cancelledItems + s.queueDepth + s.inFlightBatches;
  };
  async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await tick(2);
    }
  }
  /** A classifier heavy enough (640x640 conv) that a queue forms behind it. */
  const deploySlow = (name: string, overrides: Record<string, unknown>) =>
    uploadAndDeploy(t.url, admin, {
      file: join(work, 'slow.onnx'),
      name,
      config: { task: 'classification' },
      overrides: { instances: 1, ...overrides },
    });

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'inference-queue-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    buildOnnxAdd(join(work, 'add.onnx'));
    buildOnnxClassifier(join(work, 'small.onnx'), { size: 16, classes: 3 });
    buildOnnxClassifier(join(work, 'slow.onnx'), { size: 640, classes: 3, filters: 256 });
    photo = await sharp(chelseaPng()).resize(160, 120).png().toBuffer();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('concurrent tensor requests are executed as batches; each gets its own exact answer', async () => {
    // A batch leaves when it is full (8) or after 10 s: the eight requests form one batch however slowly they arrive.
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'add.onnx'),
      name: 'batched-add',
      // No preferred sizes (the batch profile would otherwise choose some): only a full batch leaves early.
      overrides: { batching: { maxBatchSize: 8, maxQueueDelayMs: 10_000, preferredBatchSizes: [] }, queue: { timeoutMs: 120_000 } },
    });
    const inputs = Array.from({ length: 8 }, (_, index) => [index, index + 0.5, -index, 2 * index]);
    const responses = await Promise.all(inputs.map((data) => infer(t.url, token, id, { json: { inputs: { x: { shape: [1, 4], data } } } })));
    responses.forEach((res, index) => {
      expect(res.status).toBe(200);
      expect(res.body.results[0].outputs.y.data).toEqual(Array.from(expectedAddOutput(inputs[index])));
    });
    const histogram = stats(id).batchRowHistogram;
    expect(histogram).toEqual({ 8: 1 });
    // The same batches reach the Prometheus series.
    const metrics = await request(`${t.url}/metrics`);
    expect(metrics.status).toBe(200);
    const batchCount = new RegExp(`modelport_batch_size_count\\{model="${id}"\\} (\\d+)`).exec(metrics.body)?.[1];
    expect(Number(batchCount)).toBe(stats(id).batches);
    const batchSum = new RegExp(`modelport_batch_size_sum\\{model="${id}"\\} (\\d+)`).exec(metrics.body)?.[1];
    expect(Number(batchSum)).toBe(8);
    expect(metrics.body).toContain(`modelport_inference_requests_total{model="${id}",outcome="success"} 8`);
  });

  it('the images of one request are queue items batched into one engine call', async () => {
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'small.onnx'),
      name: 'batched-images',
      config: { task: 'classification' },
      overrides: { batching: { maxBatchSize: 4, maxQueueDelayMs: 10_000, preferredBatchSizes: [] } },
    });
    const res = await infer(t.url, token, id, { body: imageForm([photo, photo, photo, photo]) });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(4);
    expect(stats(id).batchRowHistogram).toEqual({ 4: 1 });
  });

  it('image and tensor requests share batches without mixing up their answers', async () => {
    const config = { task: 'classification', postprocess: { topK: 3 } };
    // The reference answers come from the same model deployed without batching; the batched one
    // sends a batch only once all seven items wait (a preferred size of 7), however slowly they come.
    const aloneId = await uploadAndDeploy(t.url, admin, { file: join(work, 'small.onnx'), name: 'mixed-alone', config, overrides: { batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } } });
    const id = await uploadAndDeploy(t.url, admin, {
      file: join(work, 'small.onnx'),
      name: 'mixed',
      config,
      overrides: { batching: { maxBatchSize: 8, maxQueueDelayMs: 10_000, preferredBatchSizes: [7] }, queue: { timeoutMs: 120_000 } },
    });
    const cup = await sharp(join(IMAGES_DIR, 'coffee.png')).resize(120, 80).png().toBuffer();
    const tensor = (value: number) => ({ json: { inputs: { input: { shape: [1, 3, 16, 16], data: new Array(768).fill(value) } } } });
    const requests = [
      (model: string) => infer(t.url, token, model, { body: imageForm([photo]) }),
      (model: string) => infer(t.url, token, model, tensor(0.9)),
      (model: string) => infer(t.url, token, model, { body: imageForm([cup]) }),
      (model: string) => infer(t.url, token, model, tensor(-0.4)),
      (model: string) => infer(t.url, token, model, { body: imageForm([cup, photo]) }),
      (model: string) => infer(t.url, token, model, tensor(0.1)),
    ];
    const alone: Array<Array<{ predictions: Array<{ index: number; score: number }> }>> = [];
    for (const send of requests) alone.push((await send(aloneId)).body.results);
    const together = await Promise.all(requests.map((send) => send(id)));
    together.forEach((res, index) => {
      expect(res.status).toBe(200);
      expect(res.body.results.length).toBe(alone[index].length);
      res.body.results.forEach((result: { predictions: Array<{ index: number; score: number }> }, item: number) => {
        expect(result.predictions.map((p) => p.index)).toEqual(alone[index][item].predictions.map((p: { index: number }) => p.index));
        result.predictions.forEach((p, k) => expect(p.score).toBeCloseTo(alone[index][item].predictions[k].score, 5));
      });
    });
    // All seven items in one engine call: they really were batched together.
    expect(stats(id).batchRowHistogram).toEqual({ 7: 1 });
  });

  it('a flood into a tiny queue answers 503 QUEUE_FULL with Retry-After, never crashes', async () => {
    const id = await deploySlow('flooded', { queue: { maxSize: 2, timeoutMs: 120_000 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } });
    const responses = await Promise.all(Array.from({ length: 24 }, () => infer(t.url, token, id, { body: imageForm([photo]) })));
    const statuses = responses.map((res) => res.status);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    const rejected = responses.filter((res) => res.status === 503);
    expect(rejected.length).toBeGreaterThan(0);
    expect(statuses).toContain(200);
    for (const res of rejected) {
      expect(res.body.error.code).toBe('QUEUE_FULL');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(stats(id).rejectedItems).toBe(rejected.length);
    expect((await request(`${t.url}/health`)).status).toBe(200);
    expect((await infer(t.url, token, id, { body: imageForm([photo]) })).status).toBe(200);
  }, 300_000);

  describe('behind a busy instance', () => {
    let id: string;
    beforeAll(async () => {
      id = await deploySlow('busy', { queue: { maxSize: 100, timeoutMs: 60_000 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } });
    });
    /** Eight images run one by one: a window in which later requests wait in the queue. */
    async function startBlocker(): Promise<{ done: ReturnType<typeof infer> }> {
      const before = admitted(id);
      const blocker = infer(t.url, token, id, { body: imageForm(new Array(8).fill(photo)) });
      await until(() => admitted(id) === before + 8 && stats(id).inFlightBatches === 1, 'the blocker to be queued');
      // Wrapped: an async function returning the bare promise would wait for it.
      return { done: blocker };
    }

    it('a request whose deadline passes while waiting is answered 504 and never executed', async () => {
      const executedBefore = stats(id).executedItems;
      const { done: blocker } = await startBlocker();
      const late = await infer(t.url, token, id, { body: imageForm([photo]), query: 'timeoutMs=30' });
      expect([late.status, late.body.error.code]).toEqual([504, 'INFERENCE_TIMEOUT']);
      expect((await blocker).status).toBe(200);
      await until(() => stats(id).queueDepth === 0 && stats(id).inFlightBatches === 0, 'the queue to empty');
      expect(stats(id).executedItems - executedBefore).toBe(8);
      expect(stats(id).expiredItems).toBe(1);
    });

    it('higher priority is served first, FIFO within a priority', async () => {
      const { done: blocker } = await startBlocker();
      const base = admitted(id);
      const finished: string[] = [];
      const send = (label: string, priority: number) =>
        infer(t.url, token, id, { body: imageForm([photo]), query: `priority=${priority}` }).then((res) => {
          finished.push(label);
          return res;
        });
      const lowFirst = send('low-1', 0);
      await until(() => admitted(id) === base + 1, 'low-1 queued');
      const lowSecond = send('low-2', 0);
      await until(() => admitted(id) === base + 2, 'low-2 queued');
      const high = send('high', 10);
      await until(() => admitted(id) === base + 3, 'high queued');
      const blockerDone = blocker.then((res) => {
        finished.push('blocker');
        return res;
      });
      const results = await Promise.all([blockerDone, lowFirst, lowSecond, high]);
      expect(results.map((res) => res.status)).toEqual([200, 200, 200, 200]);
      // "high" overtook everything still waiting, including the blocker's remaining images;
      // the two equal-priority requests kept their arrival order.
      expect(finished).toEqual(['high', 'blocker', 'low-1', 'low-2']);
    });

    it('a client that disconnects while queued is dropped and never executed', async () => {
      const executedBefore = stats(id).executedItems;
      const cancelledBefore = stats(id).cancelledItems;
      const { done: blocker } = await startBlocker();
      const base = admitted(id);
      const controller = new AbortController();
      const abandoned = fetch(`${t.url}/api/v1/inference/${id}`, { method: 'POST', headers: { 'X-Access-Token': token }, body: imageForm([photo]), signal: controller.signal }).catch(
        (error: Error) => error.name,
      );
      await until(() => admitted(id) === base + 1, 'the abandoned request to be queued');
      controller.abort();
      expect(await abandoned).toBe('AbortError');
      await until(() => stats(id).cancelledItems === cancelledBefore + 1, 'the queued item to be dropped');
      expect((await blocker).status).toBe(200);
      await until(() => stats(id).queueDepth === 0 && stats(id).inFlightBatches === 0, 'the queue to empty');
      expect(stats(id).executedItems - executedBefore).toBe(8);
    });

    it('undeploy drains: queued and running requests finish, later ones get 409', async () => {
      const { done: blocker } = await startBlocker();
      const undeploy = request(`${t.url}${MODELS}/${id}/undeploy`, { method: 'POST', headers: { 'X-Auth-Token': admin } });
      const res = await blocker;
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(8);
      expect((await undeploy).status).toBe(200);
      const after = await infer(t.url, token, id, { body: imageForm([photo]) });
      expect([after.status, after.body.error.code]).toEqual([409, 'MODEL_NOT_DEPLOYED']);
    });
  });

  it('hot swap under load: no request fails, responses move from version 1 to version 2', async () => {
    const id = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'swapped', overrides: { instances: 2, batching: { maxBatchSize: 4, maxQueueDelayMs: 1 } } });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(readFileSync(join(work, 'add.onnx')))]), 'add.onnx');
    const version2 = await request(`${t.url}${MODELS}/${id}/versions`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: form });
    expect(version2.status, JSON.stringify(version2.body)).toBe(201);
    let stop = false;
    const seen: Array<{ status: number; version?: number }> = [];
    const worker = async () => {
      while (!stop) {
        const res = await infer(t.url, token, id, { json: { inputs: { x: { shape: [1, 4], data: [1, 2, 3, 4] } } } });
        seen.push({ status: res.status, version: res.body.version });
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await until(() => seen.length >= 20, 'load before the swap');
    const activated = await request(`${t.url}${MODELS}/${id}/versions/2/activate`, { method: 'POST', headers: { 'X-Auth-Token': admin } });
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    const atSwap = seen.length;
    await until(() => seen.length >= atSwap + 20, 'load after the swap');
    stop = true;
    await Promise.all(workers);
    expect(seen.filter((entry) => entry.status !== 200)).toEqual([]);
    expect(seen[0].version).toBe(1);
    expect(seen[seen.length - 1].version).toBe(2);
    expect(t.app.get(DeploymentManager).deployedVersion(id)).toBe(2);
  });
});

describe('graceful shutdown', () => {
  it('requests queued when the app closes still get their answers', async () => {
    const t = await startTestApp();
    const work = mkdtempSync(join(tmpdir(), 'inference-shutdown-'));
    try {
      const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
      const token = await issueAccessToken(t.url, admin);
      buildOnnxClassifier(join(work, 'slow.onnx'), { size: 640, classes: 3, filters: 32 });
      const id = await uploadAndDeploy(t.url, admin, {
        file: join(work, 'slow.onnx'),
        name: 'slow',
        config: { task: 'classification' },
        overrides: { instances: 1, batching: { maxBatchSize: 1, maxQueueDelayMs: 0 }, queue: { timeoutMs: 120_000 } },
      });
      const photo = await sharp(chelseaPng()).resize(160, 120).png().toBuffer();
      const manager = t.app.get(DeploymentManager);
      const pending = infer(t.url, token, id, { body: imageForm(new Array(6).fill(photo)) });
      const end = Date.now() + 10_000;
      // All six items submitted (queued, running or done): the close below must not lose any of them.
      const submitted = () => {
        const stats = manager.stats(id);
        return (stats?.queueDepth ?? 0) + (stats?.inFlightBatches ?? 0) + (stats?.executedItems ?? 0);
      };
      while (submitted() < 6) {
        if (Date.now() > end) throw new Error('request never queued');
        await tick(2);
      }
      const closing = t.close();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(6);
      await closing;
      expect(manager.list()).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
