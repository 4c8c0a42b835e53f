import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentManager } from '../../src/serving/deployment-manager.js';
import { buildOnnxAdd } from '../fixtures/models/index.js';
import { LATCH_KEY, type EngineLatch } from '../fixtures/latch-engines/latch/index.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { uploadAndDeploy } from '../serving/serving-helpers.js';

const tick = () => new Promise((done) => setImmediate(done));

/** The quota charges work done: a request whose client left while it was still queued costs nothing. */
describe('quota of a request cancelled while queued (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let modelId: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'modelport-quota-cancel-'));
    buildOnnxAdd(join(work, 'add.onnx'));
    t = await startTestApp({ ENGINE_DIRS: resolve(import.meta.dirname, '../fixtures/latch-engines') });
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    modelId = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'latched', config: { engine: 'latch', task: 'raw' }, overrides: { instances: 1, batching: { maxBatchSize: 1 } } });
  });
  afterAll(async () => {
    delete (globalThis as Record<symbol, unknown>)[LATCH_KEY];
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Yields to the event loop until the runtime's own counters say so (no timing involved). */
  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await tick();
  }

  it('a client that disconnects while its request waits in the queue gets its quota unit back; the one that ran is charged', async () => {
    const issued = await request(`${t.url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'cancel-quota', allowedModels: ['*'], monthlyQuota: 10 } });
    expect(issued.status).toBe(201);
    let release!: () => void;
    let firstStarted!: () => void;
    const started = new Promise<void>((done) => (firstStarted = done));
    const latch: EngineLatch = { calls: 0, started: (call) => call === 1 && firstStarted(), release: new Promise<void>((done) => (release = done)) };
    (globalThis as Record<symbol, unknown>)[LATCH_KEY] = latch;

    const send = (signal?: AbortSignal) =>
      fetch(`${t.url}/api/v1/inference/${modelId}`, {
        method: 'POST',
        headers: { 'X-Access-Token': issued.body.token, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { x: { shape: [1, 2], data: [1, 2] } } }),
        signal,
      });
    const running = send();
    await started;
    const stats = () => t.app.get(DeploymentManager).stats(modelId)!;
    const client = new AbortController();
    const queued = send(client.signal).catch((error: unknown) => error);
    await until(() => stats().queueDepth === 1);
    client.abort();
    expect(await queued).toBeInstanceOf(Error);
    await until(() => stats().cancelledItems === 1);
    release();
    expect((await running).status).toBe(200);
    expect(latch.calls).toBe(1);

    const usage = async () => (await request(`${t.url}/api/v1/internal/tokens/${issued.body.id}`, { headers: { 'X-Auth-Token': admin } })).body.usedThisMonth;
    // The refund lands when the cancelled request's reply is done with; the counter says when.
    for (let attempt = 0; attempt < 1000 && (await usage()) !== 1; attempt++) await tick();
    expect(await usage()).toBe(1);
  });
});
