import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxAdd, expectedAddOutput } from '../fixtures/models/index.js';
import { DIE_ON_NEXT_MESSAGE_VALUE, KILL_VALUE } from '../fixtures/crash-engines/sigkill/index.js';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { infer, issueAccessToken } from '../serving/serving-helpers.js';
import { MODELS, modelAction, uploadModel } from './models-helpers.js';

const tick = (ms: number) => new Promise((resolveTick) => setTimeout(resolveTick, ms));

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(20);
  }
}

describe('process isolation: an engine that kills its own process (e2e, real SIGKILL)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let token: string;
  let crasherId: string;
  const pair = (value: number) => ({ json: { inputs: { x: { shape: [1, 2], data: [value, 1] } } } });
  const healthy = async (value: number) => {
    const res = await infer(t.url, token, 'healthy', { json: { inputs: { x: { shape: [1, 4], data: [value, value, value, value] } } } });
    expect(res.status).toBe(200);
    expect(res.body.results[0].outputs.y.data).toEqual(Array.from(expectedAddOutput([value, value, value, value])));
  };
  const metric = async (name: string, labels: string) => {
    const line = (await (await fetch(`${t.url}/metrics`)).text()).split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'isolation-e2e-'));
    buildOnnxAdd(join(work, 'add.onnx'));
    t = await startTestApp({ ENGINE_DIRS: resolve(import.meta.dirname, '../fixtures/crash-engines') });
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    token = await issueAccessToken(t.url, admin);
    const good = await uploadModel(t.url, admin, { file: join(work, 'add.onnx'), name: 'healthy', config: { engine: 'onnxruntime' } });
    expect((await modelAction(t.url, admin, `/${good.body.id}/deploy`)).status).toBe(200);
    const crasher = await uploadModel(t.url, admin, { file: join(work, 'add.onnx'), name: 'crasher', config: { engine: 'sigkill', task: 'raw' } });
    crasherId = crasher.body.id;
    const deployed = await modelAction(t.url, admin, `/${crasherId}/deploy`, { isolation: 'process', batching: { maxBatchSize: 1 } });
    expect(deployed.status).toBe(200);
    expect(deployed.body.deployment).toMatchObject({ isolation: 'process' });
    // The child reports its own resident set: that is what the instance costs.
    expect(deployed.body.memoryBytes).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers the crashing batch 503 ENGINE_CRASHED, keeps the server and the other model serving, and restarts the instance', async () => {
    const ok = await infer(t.url, token, 'crasher', pair(3));
    expect(ok.status).toBe(200);
    expect(ok.body.results[0].outputs.y.data).toEqual([3, 1]);

    const [crashed] = await Promise.all([infer(t.url, token, 'crasher', pair(KILL_VALUE)), healthy(2)]);
    expect(crashed.status).toBe(503);
    expect(crashed.body.error.code).toBe('ENGINE_CRASHED');
    await healthy(5);
    // The next good request waits for the respawned child and is served.
    const after = await infer(t.url, token, 'crasher', pair(4));
    expect(after.status).toBe(200);
    expect(after.body.results[0].outputs.y.data).toEqual([4, 1]);
    expect(await metric('modelport_engine_crashes_total', `model="${crasherId}"`)).toBe(1);
  });

  it('marks the model failed after three crashes within five minutes, audited and counted; the server keeps serving', async () => {
    for (let crash = 2; crash <= 3; crash++) {
      const res = await infer(t.url, token, 'crasher', pair(KILL_VALUE));
      expect(res.body.error.code).toBe('ENGINE_CRASHED');
    }
    await until(async () => (await request(`${t.url}${MODELS}/${crasherId}`, { headers: { 'X-Auth-Token': admin } })).body.status === 'failed', 'the model to be marked failed');
    const model = (await request(`${t.url}${MODELS}/${crasherId}`, { headers: { 'X-Auth-Token': admin } })).body;
    expect(model.statusReason).toMatch(/3 instance crashes within 5 minutes; last: the instance process was killed by SIGKILL/);
    expect((await infer(t.url, token, 'crasher', pair(1))).body.error.code).toBe('MODEL_NOT_DEPLOYED');
    const audit = await request(`${t.url}/api/v1/internal/audit?action=model.crash`, { headers: { 'X-Auth-Token': admin } });
    expect(audit.body.items[0]).toMatchObject({ action: 'model.crash', outcome: 'failure', target: crasherId });
    expect(await metric('modelport_model_crash_failures_total', `model="${crasherId}"`)).toBe(1);
    await healthy(7);
    // Fixed (here: redeployed), it serves again with a clean crash record.
    expect((await modelAction(t.url, admin, `/${crasherId}/deploy`, { isolation: 'process' })).body.status).toBe('deployed');
    expect((await infer(t.url, token, 'crasher', pair(8))).body.results[0].outputs.y.data).toEqual([8, 1]);
  });

  async function deployCrasher(name: string, instances: number): Promise<string> {
    const uploaded = await uploadModel(t.url, admin, { file: join(work, 'add.onnx'), name, config: { engine: 'sigkill', task: 'raw' } });
    const deployed = await modelAction(t.url, admin, `/${uploaded.body.id}/deploy`, { isolation: 'process', instances, batching: { maxBatchSize: 1 } });
    expect(deployed.status).toBe(200);
    expect(deployed.body.deployment).toMatchObject({ isolation: 'process', instances });
    return uploaded.body.id;
  }

  it('retries once on the other instance a request whose child died before its engine call began (instances: 2)', async () => {
    const id = await deployCrasher('twin', 2);
    // Both instances idle: the first one takes the call and is armed to die on its next message.
    const armed = await infer(t.url, token, 'twin', pair(DIE_ON_NEXT_MESSAGE_VALUE));
    expect(armed.status).toBe(200);
    expect(armed.body.results[0].outputs.y.data).toEqual([DIE_ON_NEXT_MESSAGE_VALUE, 1]);
    // The next call goes to that instance again; its child dies on receipt, and the request is served by the other one.
    const retried = await infer(t.url, token, 'twin', pair(5));
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.results[0].outputs.y.data).toEqual([5, 1]);
    expect(await metric('modelport_engine_crashes_total', `model="${id}"`)).toBe(1);
    expect(t.app.get(DeploymentManager).get(id)!.runtime.snapshot().retriedItems).toBe(1);
    // While the dead instance respawns, requests go to the live one; afterwards both serve.
    for (const value of [6, 7, 8]) expect((await infer(t.url, token, 'twin', pair(value))).body.results[0].outputs.y.data).toEqual([value, 1]);
    await healthy(9);
  });

  it('answers 503 ENGINE_CRASHED when no other instance exists to retry on (instances: 1), then serves after the respawn', async () => {
    const id = await deployCrasher('single', 1);
    expect((await infer(t.url, token, 'single', pair(DIE_ON_NEXT_MESSAGE_VALUE))).status).toBe(200);
    const crashed = await infer(t.url, token, 'single', pair(5));
    expect(crashed.status).toBe(503);
    expect(crashed.body.error.code).toBe('ENGINE_CRASHED');
    expect(crashed.headers.get('retry-after')).toBe('1');
    expect(t.app.get(DeploymentManager).get(id)!.runtime.snapshot().retriedItems).toBe(0);
    expect((await infer(t.url, token, 'single', pair(6))).body.results[0].outputs.y.data).toEqual([6, 1]);
  });

  it('never retries a request whose own engine call killed the child, even with another instance', async () => {
    const id = await deployCrasher('twin-kill', 2);
    const crashed = await infer(t.url, token, 'twin-kill', pair(KILL_VALUE));
    expect(crashed.status).toBe(503);
    expect(crashed.body.error.code).toBe('ENGINE_CRASHED');
    expect(t.app.get(DeploymentManager).get(id)!.runtime.snapshot().retriedItems).toBe(0);
    expect((await infer(t.url, token, 'twin-kill', pair(2))).body.results[0].outputs.y.data).toEqual([2, 1]);
  });
});
