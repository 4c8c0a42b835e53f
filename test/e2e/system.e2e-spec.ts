import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProbe } from '../../src/system/host-probe.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';

describe('system info and system metrics', () => {
  let t: TestApp;
  let jwt: string;
  beforeAll(async () => {
    t = await startTestApp({ SYSTEM_SAMPLE_INTERVAL_MS: '40' });
    jwt = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['/api/v1/internal/system/info', '/api/v1/internal/system/metrics', '/api/v1/internal/system/replicas', '/api/v1/internal/models/x/stats'])('%s needs X-Auth-Token', async (path) => {
    expect((await request(`${t.url}${path}`)).status).toBe(401);
    expect((await request(`${t.url}${path}`, { headers: { 'X-Auth-Token': 'not-a-jwt' } })).status).toBe(401);
  });

  it('GET /system/info describes version, runtime, counts and hardware', async () => {
    const res = await request(`${t.url}/api/v1/internal/system/info`, { headers: { 'X-Auth-Token': jwt } });
    expect(res.status).toBe(200);
    const info = res.body;
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.node).toBe(process.version);
    expect(info.uptimeSeconds).toBeGreaterThanOrEqual(0);
    const onnx = (info.engines as Array<{ name: string; version: string; available: boolean }>).find((engine) => engine.name === 'onnxruntime');
    expect(onnx).toMatchObject({ available: true, version: expect.stringMatching(/\d+\.\d+/) });
    expect(info.models).toEqual({ total: expect.any(Number), byStatus: expect.any(Object) });
    expect(info.tokens.total).toBe(Object.values(info.tokens.byStatus as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(info.hardware.cpu.cores).toBeGreaterThanOrEqual(1);
    expect(typeof info.hardware.cpu.model).toBe('string');
    expect(info.hardware.memory.totalBytes).toBeGreaterThan(info.hardware.memory.freeBytes);
    // What the host really has, GPU or not: the same probe the server uses, run by the test.
    const reading = await new HostProbe().gpus();
    if (reading.available) {
      expect(info.hardware.gpuReason).toBeNull();
      expect(info.hardware.gpus).toHaveLength(reading.gpus.length);
      for (const [index, gpu] of (info.hardware.gpus as Array<Record<string, number>>).entries()) {
        expect(gpu).toEqual({ index, utilizationPercent: expect.any(Number), memoryUsedBytes: expect.any(Number), memoryTotalBytes: reading.gpus[index].memoryTotalBytes });
      }
    } else {
      expect(info.hardware.gpus).toEqual([]);
      expect(info.hardware.gpuReason).toMatch(/nvidia-smi/);
    }
  });

  it('GET /system/replicas lists the one replica of a single process', async () => {
    const res = await request(`${t.url}/api/v1/internal/system/replicas`, { headers: { 'X-Auth-Token': jwt } });
    expect(res.status).toBe(200);
    const info = await request(`${t.url}/api/v1/internal/system/info`, { headers: { 'X-Auth-Token': jwt } });
    expect(res.body.items).toEqual([
      { id: expect.any(String), address: `127.0.0.1:${new URL(t.url).port}`, version: info.body.version, startedAt: expect.any(String), lastHeartbeatAt: expect.any(String), models: [] },
    ]);
  });

  it('counts access tokens by status', async () => {
    const headers = { 'X-Auth-Token': jwt };
    const issue = (name: string) => request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers, json: { name, allowedModels: ['*'] } });
    const first = await issue('system-info-active');
    const second = await issue('system-info-disabled');
    expect([first.status, second.status]).toEqual([201, 201]);
    const disabled = await request(`${t.url}/api/v1/internal/tokens/${second.body.id}/disable`, { method: 'POST', headers });
    expect(disabled.status).toBeLessThan(300);
    const res = await request(`${t.url}/api/v1/internal/system/info`, { headers });
    expect(res.body.tokens.byStatus).toMatchObject({ active: 1, disabled: 1 });
    expect(res.body.tokens.total).toBe(2);
  });

  it('GET /system/metrics returns a time series of samples', async () => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const res = await request(`${t.url}/api/v1/internal/system/metrics`, { headers: { 'X-Auth-Token': jwt } });
    expect(res.status).toBe(200);
    expect(res.body.intervalMs).toBe(40);
    // 24 h at 40 ms would be 2.16 M samples; the ring is capped to bound memory.
    expect(res.body.retentionSamples).toBe(Math.min(100_000, Math.ceil((24 * 3600 * 1000) / 40)));
    const items = res.body.items as Array<Record<string, unknown>>;
    expect(items.length).toBeGreaterThanOrEqual(2);
    const reading = await new HostProbe().gpus();
    for (const item of items) {
      const gpu = reading.available ? expect.arrayContaining([expect.objectContaining({ index: 0, memoryTotalBytes: reading.gpus[0].memoryTotalBytes })]) : null;
      expect(item).toEqual({ timestamp: expect.any(String), cpuPercent: expect.any(Number), memoryUsedBytes: expect.any(Number), memoryTotalBytes: expect.any(Number), rssBytes: expect.any(Number), gpu });
      expect(item.cpuPercent as number).toBeGreaterThanOrEqual(0);
      expect(item.cpuPercent as number).toBeLessThanOrEqual(100);
    }
    const times = items.map((item) => Date.parse(item.timestamp as string));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('?since= returns only newer samples', async () => {
    const all = await request(`${t.url}/api/v1/internal/system/metrics`, { headers: { 'X-Auth-Token': jwt } });
    const cut = Date.parse(all.body.items.at(-1).timestamp);
    const res = await request(`${t.url}/api/v1/internal/system/metrics?since=${cut}`, { headers: { 'X-Auth-Token': jwt } });
    expect(res.status).toBe(200);
    for (const item of res.body.items) expect(Date.parse(item.timestamp)).toBeGreaterThan(cut);
  });

  it.each(['since=abc', 'since=-1', 'since=1.5', 'since=1e400', 'other=1'])('rejects a bad query (%s) with 400 VALIDATION_FAILED', async (query) => {
    const res = await request(`${t.url}/api/v1/internal/system/metrics?${query}`, { headers: { 'X-Auth-Token': jwt } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('GET /models/:id/stats is 404 MODEL_NOT_FOUND for an unknown model', async () => {
    for (const id of ['does-not-exist', '%00', 'a'.repeat(90)]) {
      const res = await request(`${t.url}/api/v1/internal/models/${id}/stats`, { headers: { 'X-Auth-Token': jwt } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('MODEL_NOT_FOUND');
    }
  });
});
