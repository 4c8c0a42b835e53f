import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';

const chelsea = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'images', 'chelsea.png'));

function sampleValue(page: string, name: string, labels: Record<string, string>): number {
  const line = page.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('per-model statistics and inference metrics follow real traffic', () => {
  let t: TestApp;
  let jwt: string;
  let modelId: string;
  let accessToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    jwt = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const modelPath = join(t.dataDir, 'fixture-classifier.onnx');
    buildOnnxClassifier(modelPath, { size: 32, classes: 4 });
    const form = new FormData();
    form.append('name', 'stats-classifier');
    form.append('config', JSON.stringify({ task: 'classification', batching: { maxBatchSize: 4, maxQueueDelayMs: 20 } }));
    form.append('file', new Blob([readFileSync(modelPath)]), 'classifier.onnx');
    const uploaded = await request(`${t.url}/api/v1/internal/models`, { method: 'POST', headers: { 'X-Auth-Token': jwt }, body: form });
    expect(uploaded.status).toBe(201);
    modelId = uploaded.body.id;
    const issued = await request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': jwt }, json: { name: 'stats', allowedModels: ['*'] } });
    expect(issued.status).toBe(201);
    accessToken = issued.body.token;
  });
  afterAll(async () => {
    await t.close();
  });

  const stats = () => request(`${t.url}/api/v1/internal/models/${modelId}/stats`, { headers: { 'X-Auth-Token': jwt } });
  const infer = (image: Buffer) => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'image.png');
    return request(`${t.url}/api/v1/inference/${modelId}`, { method: 'POST', headers: { 'X-Access-Token': accessToken }, body: form });
  };

  it('a model without traffic has zero stats (by id and by name)', async () => {
    for (const key of [modelId, 'stats-classifier']) {
      const res = await request(`${t.url}/api/v1/internal/models/${key}/stats`, { headers: { 'X-Auth-Token': jwt } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ modelId, requests: { total: 0, success: 0, errors: 0 }, errorsByCode: {}, batchSizes: {}, queueDepth: 0 });
      expect(res.body.latencyMs.queue).toEqual({ p50: 0, p95: 0, p99: 0, samples: 0 });
    }
  });

  it('system info counts the uploaded model by status', async () => {
    const res = await request(`${t.url}/api/v1/internal/system/info`, { headers: { 'X-Auth-Token': jwt } });
    expect(res.body.models.total).toBe(1);
    expect(Object.values(res.body.models.byStatus)).toEqual([1]);
  });

  it('N inference requests show up as N in stats and in /metrics', async () => {
    const deployed = await request(`${t.url}/api/v1/internal/models/${modelId}/deploy`, { method: 'POST', headers: { 'X-Auth-Token': jwt }, json: {} });
    expect(deployed.status).toBeLessThan(300);
    const sent = 6;
    const responses = await Promise.all(Array.from({ length: sent }, () => infer(chelsea)));
    expect(responses.map((res) => res.status)).toEqual(Array(sent).fill(200));
    const bad = await infer(Buffer.from('definitely not an image'));
    expect(bad.status).toBe(400);

    const res = await stats();
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.requests.success).toBe(sent);
    expect(body.requests.total).toBe(sent + 1);
    expect(body.requests.errors).toBe(1);
    expect(body.errorsByCode).toEqual({ [bad.body.error.code]: 1 });
    const batched = Object.entries(body.batchSizes as Record<string, number>).reduce((total, [size, count]) => total + Number(size) * count, 0);
    expect(batched).toBe(sent);
    expect(body.latencyMs.compute.samples).toBe(sent);
    expect(body.latencyMs.compute.p50).toBeGreaterThan(0);
    expect(body.latencyMs.queue.p99).toBeGreaterThanOrEqual(body.latencyMs.queue.p50);
    expect(body.queueDepth).toBe(0);

    const page = await (await fetch(`${t.url}/metrics`)).text();
    expect(sampleValue(page, 'modelport_inference_requests_total', { model: modelId, outcome: 'success' })).toBe(sent);
    expect(sampleValue(page, 'modelport_inference_compute_seconds_count', { model: modelId })).toBe(sent);
    expect(sampleValue(page, 'modelport_inference_queue_seconds_count', { model: modelId })).toBe(sent);
    expect(sampleValue(page, 'modelport_batch_size_sum', { model: modelId })).toBe(sent);
    expect(sampleValue(page, 'modelport_http_requests_total', { route: '/api/v1/inference/:modelId', status: '200' })).toBe(sent);
    expect(Number(/^modelport_loaded_models (\d+)/m.exec(page)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('deleting a model drops its statistics and every Prometheus series labelled with it', async () => {
    const metrics = t.app.get(MetricsService);
    expect(metrics.trackedModels).toBe(1);
    const before = await (await fetch(`${t.url}/metrics`)).text();
    expect(before).toContain(`model="${modelId}"`);
    const deleted = await request(`${t.url}/api/v1/internal/models/${modelId}?force=true`, { method: 'DELETE', headers: { 'X-Auth-Token': jwt } });
    expect(deleted.status).toBe(204);
    const after = await (await fetch(`${t.url}/metrics`)).text();
    expect(after.split('\n').filter((line) => line.includes(modelId))).toEqual([]);
    expect(metrics.trackedModels).toBe(0);
    // The metric families themselves stay (other models use them).
    expect(after).toContain('# TYPE modelport_inference_requests_total counter');
  });

  it('an unknown model id is 404 MODEL_NOT_FOUND, not zeros', async () => {
    const res = await request(`${t.url}/api/v1/internal/models/00000000-0000-0000-0000-000000000000/stats`, { headers: { 'X-Auth-Token': jwt } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('MODEL_NOT_FOUND');
  });
});
