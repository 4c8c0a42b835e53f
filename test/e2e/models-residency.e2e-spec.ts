import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../engines/sdk/index.js';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { MeasuredInstance, MemoryMeter } from '../../src/serving/memory-meter.js';
import type { DeploymentSpec } from '../../src/serving/model-deployer.js';
import { ManualTimers } from '../../src/serving/runtime-timers.js';
import { ServingOverrides } from '../../src/serving/serving-overrides.js';
import { buildOnnxAdd, buildOnnxClassifier, expectedAddOutput } from '../fixtures/models/index.js';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { makeDataDir, request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { infer, issueAccessToken } from '../serving/serving-helpers.js';
import { MODELS, modelAction, uploadModel } from './models-helpers.js';

const MB = 1024 * 1024;
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exact costs by model name, so the budget arithmetic is deterministic; the engines, models and
 * loads are real. `hold` keeps loads waiting until the test lets them go.
 */
class NamedCostMeter extends MemoryMeter {
  hold: Promise<void> = Promise.resolve();
  constructor(private readonly costsMb: Record<string, number>) {
    super();
  }
  async measure(spec: DeploymentSpec, load: () => Promise<LoadedModel>): Promise<MeasuredInstance> {
    await this.hold;
    return { model: await load(), bytes: (this.costsMb[spec.modelName] ?? 1) * MB };
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}

async function metricValue(url: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`) || (labels === '' && candidate.startsWith(`${name} `)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('model residency: memory budget, on-demand loading, eviction and idle unload (e2e, real ONNX models)', () => {
  const dataDir = makeDataDir();
  let work: string;
  let t: TestApp;
  let admin: string;
  let token: string;
  const timers = new ManualTimers(Date.parse('2026-01-01T00:00:00Z'));
  const meter = new NamedCostMeter({ a: 100, b: 100, c: 100, idle: 10, p1: 100, p2: 100, p3: 100 });
  const ids: Record<string, string> = {};
  const boot = () => startTestApp({ MODEL_MEMORY_BUDGET_MB: '250' }, dataDir, { servingOverrides: new ServingOverrides(meter, timers) });
  const view = async (name: string) => (await request(`${t.url}${MODELS}/${ids[name]}`, { headers: { 'X-Auth-Token': admin } })).body;
  const loaded = async (...names: string[]) => Promise.all(names.map(async (name) => (await view(name)).loaded as boolean));
  const addRequest = (name: string, value = 1) => infer(t.url, token, name, { json: { inputs: { x: { shape: [1, 4], data: [value, value, value, value] } } } });
  const runtime = (name: string) => t.app.get(DeploymentManager).get(ids[name])!.runtime;

  async function deploy(name: string, overrides: Record<string, unknown>) {
    const created = await uploadModel(t.url, admin, { file: join(work, 'add.onnx'), name });
    expect(created.status).toBe(201);
    ids[name] = created.body.id;
    return modelAction(t.url, admin, `/${ids[name]}/deploy`, overrides);
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'residency-e2e-'));
    buildOnnxAdd(join(work, 'add.onnx'));
    t = await boot();
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deploys on-demand models unloaded but ready, and loads one once for concurrent first requests', async () => {
    for (const name of ['a', 'b', 'c']) {
      const deployed = await deploy(name, { residency: { mode: 'on-demand', idleUnloadSeconds: 0 } });
      expect(deployed.status).toBe(200);
      expect(deployed.body).toMatchObject({ status: 'deployed', loaded: false, memoryBytes: 0, lastUsedAt: null, deployment: { residency: { mode: 'on-demand', idleUnloadSeconds: 0 }, isolation: 'thread' } });
    }
    const ready = await request(`${t.url}/v2/models/a/ready`, { headers: { 'X-Access-Token': token } });
    expect(ready.body).toMatchObject({ ready: true });

    let letGo!: () => void;
    meter.hold = new Promise<void>((resolve) => (letGo = resolve));
    const answers = [1, 2, 3, 4].map((value) => addRequest('a', value));
    // All four are queued while the one load waits.
    await until(() => runtime('a').snapshot().queueDepth === 4, 'four queued first requests');
    letGo();
    const responses = await Promise.all(answers);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    responses.forEach((response, index) => {
      const value = index + 1;
      expect(response.body.results[0].outputs.y.data).toEqual(Array.from(expectedAddOutput([value, value, value, value])));
    });
    expect(await metricValue(t.url, 'modelport_model_loads_total', `model="${ids.a}",trigger="demand"`)).toBe(1);
    const a = await view('a');
    expect(a).toMatchObject({ loaded: true, memoryBytes: 100 * MB, lastUsedAt: expect.any(String), lastColdStartMs: expect.any(Number), lastColdStartAt: expect.any(String) });
  });

  it('evicts the least recently used idle model under a budget that fits two of three', async () => {
    await timers.advance(1_000);
    expect((await addRequest('b')).status).toBe(200);
    await timers.advance(1_000);
    expect((await addRequest('a')).status).toBe(200); // b is now the least recently used
    await timers.advance(1_000);
    expect((await addRequest('c')).status).toBe(200);
    expect(await loaded('a', 'b', 'c')).toEqual([true, false, true]);
    expect(await metricValue(t.url, 'modelport_model_evictions_total', `model="${ids.b}",reason="lru"`)).toBe(1);
    expect(await metricValue(t.url, 'modelport_memory_loaded_bytes', '')).toBe(200 * MB);
  });

  it('never evicts a busy model, and answers CAPACITY_EXHAUSTED with Retry-After when nothing can go', async () => {
    // a and c each hold a place for a request whose body is still being read: both are busy.
    const heldA = runtime('a').admit(1);
    const heldC = runtime('c').admit(1);
    const refused = await addRequest('b');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('CAPACITY_EXHAUSTED');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await loaded('a', 'b', 'c')).toEqual([true, false, true]);
    // Only c is busy now: a (used before c) is the one that goes.
    heldA.release();
    expect((await addRequest('b')).status).toBe(200);
    expect(await loaded('a', 'b', 'c')).toEqual([false, true, true]);
    heldC.release();
  });

  it('unloads an on-demand model after idleUnloadSeconds, on the injected clock', async () => {
    const deployed = await deploy('idle', { residency: { mode: 'on-demand', idleUnloadSeconds: 60 } });
    expect(deployed.body.deployment.residency).toEqual({ mode: 'on-demand', idleUnloadSeconds: 60 });
    // b and c hold 200 MB of 250: the 10 MB model fits beside them.
    expect((await addRequest('idle')).status).toBe(200);
    await timers.advance(59_000);
    expect(await loaded('idle')).toEqual([true]);
    await timers.advance(2_000);
    await until(async () => (await loaded('idle'))[0] === false, 'the idle unload');
    expect(await metricValue(t.url, 'modelport_model_evictions_total', `model="${ids.idle}",reason="idle"`)).toBe(1);
    expect((await view('idle')).memoryBytes).toBe(0);
  });

  it('unloads by hand for operators and admins only, audited; a pinned model refuses', async () => {
    const viewer = await createUserAndLogin(t.url, admin, 'viewer');
    const operator = await createUserAndLogin(t.url, admin, 'operator');
    expect((await modelAction(t.url, viewer.token, `/${ids.c}/unload`)).status).toBe(403);
    const unloaded = await modelAction(t.url, operator.token, `/${ids.c}/unload`);
    expect(unloaded.status).toBe(200);
    expect(unloaded.body).toMatchObject({ status: 'deployed', loaded: false, memoryBytes: 0 });
    expect(await metricValue(t.url, 'modelport_model_evictions_total', `model="${ids.c}",reason="manual"`)).toBe(1);
    const audit = await request(`${t.url}/api/v1/internal/audit?action=model.unload`, { headers: { 'X-Auth-Token': admin } });
    expect(audit.body.items[0]).toMatchObject({ action: 'model.unload', target: ids.c, outcome: 'success', actorUsername: operator.user.username });
    expect((await modelAction(t.url, admin, `/not-a-model/unload`)).status).toBe(404);
  });

  it('refuses pinned models beyond the budget with 409 MEMORY_BUDGET_EXCEEDED naming needed and free memory', async () => {
    // b (100 MB, on-demand) is loaded; p1 fits beside it, p2 only once b is unloaded.
    expect((await deploy('p1', {})).body).toMatchObject({ status: 'deployed', loaded: true, memoryBytes: 100 * MB });
    expect((await deploy('p2', { residency: { mode: 'pinned' } })).status).toBe(200);
    expect(await loaded('b', 'p1', 'p2')).toEqual([false, true, true]);
    const refused = await deploy('p3', {});
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'MEMORY_BUDGET_EXCEEDED', details: { neededBytes: 100 * MB, freeBytes: 50 * MB, budgetBytes: 250 * MB } });
    expect(refused.body.error.message).toMatch(/100\.0 MB.*50\.0 MB/);
    expect(await view('p3')).toMatchObject({ status: 'validated', loaded: false });
    expect((await modelAction(t.url, admin, `/${ids.p1}/unload`)).body.error.code).toBe('MODEL_PINNED');
    // With the pinned models taking the room, an on-demand request has nowhere to go.
    expect((await addRequest('a')).body.error.code).toBe('CAPACITY_EXHAUSTED');
    expect((await modelAction(t.url, admin, `/${ids.p2}/undeploy`)).status).toBe(200);
    expect((await addRequest('a')).status).toBe(200);
  });

  it('keeps residency settings across a restart: on-demand models come back deployed and unloaded', async () => {
    await t.close({ keepData: true });
    t = await boot();
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    // Restoring runs after boot; the pinned model loads, the on-demand ones only come back routable. /ready
    // answers 200 once the whole restore settled (waiting for p1 alone raced with the restore of the others).
    await until(async () => (await request(`${t.url}/ready`)).status === 200, 'the restore of every model');
    const a = await view('a');
    expect(a).toMatchObject({ status: 'deployed', loaded: false, deploymentOverrides: { residency: { mode: 'on-demand', idleUnloadSeconds: 0 } }, deployment: { residency: { mode: 'on-demand' } } });
    expect(await view('idle')).toMatchObject({ loaded: false, deployment: { residency: { mode: 'on-demand', idleUnloadSeconds: 60 } } });
    expect(await view('p1')).toMatchObject({ status: 'deployed', loaded: true, deployment: { residency: { mode: 'pinned', idleUnloadSeconds: 0 } } });
    expect((await addRequest('a', 5)).body.results[0].outputs.y.data).toEqual(Array.from(expectedAddOutput([5, 5, 5, 5])));
    expect((await view('a')).loaded).toBe(true);
  });

  it('refuses hostile residency settings with INVALID_MODEL_CONFIG or a validation error', async () => {
    const created = await uploadModel(t.url, admin, { file: join(work, 'add.onnx'), name: 'hostile' });
    for (const overrides of [{ residency: { mode: 'sometimes' } }, { residency: { idleUnloadSeconds: -1 } }, { residency: { mode: 'on-demand', extra: 1 } }, { isolation: 'vm' }, { maxMemoryMb: 1e12 }, { residency: 'on-demand' }]) {
      const res = await modelAction(t.url, admin, `/${created.body.id}/deploy`, overrides);
      expect(res.status, JSON.stringify(overrides)).toBe(400);
    }
    const badConfig = await modelAction(t.url, admin, `/${created.body.id}`, { config: { residency: { mode: 'on-demand', idleUnloadSeconds: 'soon' } } }, 'PATCH');
    expect(badConfig.status).toBe(400);
    expect(badConfig.body.error.code).toBe('INVALID_MODEL_CONFIG');
  });
});

describe('model residency with the real memory measurement (e2e)', () => {
  let t: TestApp;
  let work: string;
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('measures what a loaded instance costs and counts it against a generous budget', async () => {
    work = mkdtempSync(join(tmpdir(), 'residency-real-'));
    buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 64, classes: 10, filters: 64 });
    t = await startTestApp({ MODEL_MEMORY_BUDGET_MB: '8192' });
    const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const token = await issueAccessToken(t.url, admin);
    const created = await uploadModel(t.url, admin, { file: join(work, 'classifier.onnx'), name: 'measured' });
    const id = created.body.id as string;
    expect((await modelAction(t.url, admin, `/${id}/deploy`, { residency: { mode: 'on-demand' } })).body.loaded).toBe(false);
    const answer = await infer(t.url, token, 'measured', { json: { inputs: { input: { shape: [1, 3, 64, 64], data: new Array(3 * 64 * 64).fill(0.5) } } } });
    expect(answer.status).toBe(200);
    const model = (await request(`${t.url}${MODELS}/${id}`, { headers: { 'X-Auth-Token': admin } })).body;
    expect(model.loaded).toBe(true);
    // A worker thread and an ORT session: more than nothing, far less than the budget.
    expect(model.memoryBytes).toBeGreaterThan(0);
    expect(model.memoryBytes).toBeLessThan(8192 * MB);
    expect(await metricValue(t.url, 'modelport_memory_loaded_bytes', '')).toBe(model.memoryBytes);
  });
});
