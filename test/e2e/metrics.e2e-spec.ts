import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProbe } from '../../src/system/host-probe.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';

/** Minimal Prometheus text-format (0.0.4) check: every sample line is `name{labels} value`. */
function parsePrometheus(text: string): { samples: Array<{ name: string; labels: Record<string, string>; value: number }>; help: Set<string>; type: Map<string, string> } {
  const samples: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  const help = new Set<string>();
  const type = new Map<string, string>();
  const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (-?(?:[0-9.eE+-]+|[Nn]a[Nn]|\+Inf|-Inf))( -?\d+)?$/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') help.add(meta[2]);
      else type.set(meta[2], meta[3]);
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    const value = Number(match[4].replace('+Inf', 'Infinity').replace('-Inf', '-Infinity'));
    if (Number.isNaN(value) && match[4].toLowerCase() !== "nan") throw new Error(`bad value in: ${line}`);
    samples.push({ name: match[1], labels, value });
  }
  return { samples, help, type };
}

function family(name: string): string {
  return name.replace(/_(bucket|sum|count|total|created)$/, '');
}

function value(page: ReturnType<typeof parsePrometheus>, name: string, labels: Record<string, string>): number {
  const sample = page.samples.find((s) => s.name === name && Object.entries(labels).every(([key, v]) => s.labels[key] === v));
  return sample?.value ?? 0;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<ReturnType<typeof parsePrometheus>> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parsePrometheus(await res.text());
}

describe('GET /metrics on loopback without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SYSTEM_SAMPLE_INTERVAL_MS: '50' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is open and parses as Prometheus text with HELP and TYPE for every family', async () => {
    await request(`${t.url}/health`);
    const page = await scrape(t.url);
    expect(page.samples.length).toBeGreaterThan(20);
    for (const sample of page.samples) {
      const name = page.type.has(sample.name) ? sample.name : family(sample.name);
      expect(page.type.has(name), `TYPE for ${sample.name}`).toBe(true);
      expect(page.help.has(name), `HELP for ${sample.name}`).toBe(true);
    }
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'modelport_system_cpu_percent', 'modelport_system_memory_total_bytes']) {
      expect(page.samples.some((s) => s.name === name), name).toBe(true);
    }
    for (const name of ['modelport_inference_requests_total', 'modelport_inference_queue_seconds', 'modelport_inference_compute_seconds', 'modelport_inference_duration_seconds', 'modelport_batch_size', 'modelport_queue_depth', 'modelport_loaded_models', 'modelport_access_token_rejections_total']) {
      expect(page.type.has(name), name).toBe(true);
    }
  });

  it('has GPU series exactly when the host has GPUs nvidia-smi can read', async () => {
    const page = await scrape(t.url);
    const reading = await new HostProbe().gpus();
    const series = page.samples.filter((s) => s.name.startsWith('modelport_gpu_'));
    if (reading.available) expect(series.filter((s) => s.name === 'modelport_gpu_memory_total_bytes')).toHaveLength(reading.gpus.length);
    else expect(series).toEqual([]);
  });

  it('counts HTTP requests by route pattern, method and status', async () => {
    const labels = { method: 'GET', route: '/health', status: '200' };
    const before = value(await scrape(t.url), 'modelport_http_requests_total', labels);
    for (let i = 0; i < 3; i += 1) await request(`${t.url}/health`);
    const after = await scrape(t.url);
    expect(value(after, 'modelport_http_requests_total', labels)).toBe(before + 3);
    expect(value(after, 'modelport_http_request_duration_seconds_count', labels)).toBe(before + 3);
  });

  it('labels unknown URLs as one "unmatched" route instead of the raw path', async () => {
    await request(`${t.url}/no/such/path-${Date.now()}`);
    const page = await scrape(t.url);
    expect(value(page, 'modelport_http_requests_total', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(page.samples.some((s) => s.labels.route?.startsWith('/no/such'))).toBe(false);
  });

  it('uses the route pattern for parameterised routes', async () => {
    const jwt = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    await request(`${t.url}/api/v1/internal/models/some-id-123/stats`, { headers: { 'X-Auth-Token': jwt } });
    const page = await scrape(t.url);
    expect(value(page, 'modelport_http_requests_total', { route: '/api/v1/internal/models/:id/stats', status: '404' })).toBeGreaterThanOrEqual(1);
  });

  it('counts access-token rejections by reason', async () => {
    const reasonLabels = (page: ReturnType<typeof parsePrometheus>) =>
      page.samples.filter((s) => s.name === 'modelport_access_token_rejections_total').reduce((total, s) => total + s.value, 0);
    const before = reasonLabels(await scrape(t.url));
    const res = await request(`${t.url}/api/v1/models`, { headers: { 'X-Access-Token': 'mp_not-a-real-token' } });
    expect(res.status).toBe(401);
    const after = await scrape(t.url);
    expect(reasonLabels(after)).toBe(before + 1);
    expect(value(after, 'modelport_access_token_rejections_total', { reason: res.body.error.code })).toBeGreaterThanOrEqual(1);
  });

  it('two apps in one process keep separate registries', async () => {
    const other = await startTestApp();
    try {
      for (let i = 0; i < 2; i += 1) await request(`${other.url}/health`);
      const labels = { method: 'GET', route: '/health', status: '200' };
      const mine = value(await scrape(t.url), 'modelport_http_requests_total', labels);
      const theirs = value(await scrape(other.url), 'modelport_http_requests_total', labels);
      expect(theirs).toBe(2);
      expect(mine).not.toBe(theirs);
    } finally {
      await other.close();
    }
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'metrics-secret-0123456789';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: token });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a missing token with 401 METRICS_TOKEN_INVALID', async () => {
    const res = await request(`${t.url}/metrics`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('METRICS_TOKEN_INVALID');
  });

  it.each([
    ['wrong token', `Bearer ${token}x`],
    ['prefix of the token', `Bearer ${token.slice(0, 5)}`],
    ['no Bearer scheme', token],
    ['Basic scheme', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`],
    ['empty bearer', 'Bearer '],
    ['very long value', `Bearer ${'a'.repeat(10_000)}`],
  ])('refuses a %s with 401', async (_label, authorization) => {
    const res = await request(`${t.url}/metrics`, { headers: { Authorization: authorization } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('METRICS_TOKEN_INVALID');
    expect(JSON.stringify(res.body)).not.toContain(token);
  });

  it('serves the page for the right bearer token', async () => {
    const page = await scrape(t.url, { Authorization: `Bearer ${token}` });
    expect(page.samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
  });
});

describe('GET /metrics without METRICS_TOKEN on a non-loopback host', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The test server still listens on 127.0.0.1; the configured HOST decides the policy.
    t = await startTestApp({ HOST: '0.0.0.0' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is refused with 403 METRICS_DISABLED explaining how to enable it', async () => {
    const res = await request(`${t.url}/metrics`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('METRICS_DISABLED');
    expect(res.body.error.message).toContain('METRICS_TOKEN');
  });

  it('stays refused even when a bearer token is sent', async () => {
    const res = await request(`${t.url}/metrics`, { headers: { Authorization: 'Bearer anything' } });
    expect(res.status).toBe(403);
  });
});
