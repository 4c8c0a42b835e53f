import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxAdd } from '../fixtures/models/index.js';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { errorCode as code, v2Fetch } from '../helpers/oip-conformance.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';
import { uploadModel } from './models-helpers.js';

describe('Open Inference Protocol statistics and model repository extensions (e2e)', () => {
  let t: TestApp;
  let work: string;
  let admin: string;
  let token: string;
  let addId: string;
  let otherId: string;
  const v2 = (path: string, init: Parameters<typeof v2Fetch>[2] = {}) => v2Fetch(t.url, `/v2${path}`, init);
  const inferAdd = (model: string, data: unknown[] = [1, 2, 3, 4]) =>
    v2(`/models/${model}/infer`, { method: 'POST', headers: { 'X-Access-Token': token }, json: { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data }] } });

  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'oip-ext-e2e-'));
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    buildOnnxAdd(join(work, 'add.onnx'));
    addId = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'stats-adder' });
    otherId = await uploadAndDeploy(t.url, admin, { file: join(work, 'add.onnx'), name: 'stats-other' });
    token = await issueAccessToken(t.url, admin);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('statistics count successes and failures with cumulative durations, the same numbers as /metrics', async () => {
    for (let i = 0; i < 3; i++) expect((await inferAdd('stats-adder')).status).toBe(200);
    expect((await inferAdd('stats-adder', [1, 2, 3])).status).toBe(400);
    const stats = await v2('/models/stats-adder/stats', { headers: { 'X-Access-Token': token } });
    expect(stats.status).toBe(200);
    const [entry] = stats.body.model_stats;
    expect(entry).toMatchObject({ name: 'stats-adder', version: '1', inference_count: 3 });
    expect(entry.inference_stats.success.count).toBe(3);
    expect(entry.inference_stats.fail.count).toBe(1);
    expect(entry.inference_stats.queue.count).toBe(3);
    expect(entry.inference_stats.compute_infer.count).toBe(3);
    expect(entry.inference_stats.compute_infer.ns).toBeGreaterThan(0);
    expect(entry.inference_stats.success.ns).toBeGreaterThanOrEqual(entry.inference_stats.compute_infer.ns);
    expect(entry.execution_count).toBeGreaterThanOrEqual(1);
    expect(entry.last_inference).toBeGreaterThan(0);
    const metrics = await request(`${t.url}/metrics`);
    const successLine = new RegExp(`modelport_inference_requests_total\\{model="${addId}",outcome="success"\\} (\\d+)`).exec(metrics.body as string);
    expect(Number(successLine?.[1])).toBe(entry.inference_stats.success.count);
    const versioned = await v2('/models/stats-adder/versions/1/stats', { headers: { 'X-Access-Token': token } });
    expect(versioned.body.model_stats[0].inference_count).toBe(3);
    const otherVersion = await v2('/models/stats-adder/versions/9/stats', { headers: { 'X-Access-Token': token } });
    expect([otherVersion.status, code(otherVersion)]).toEqual([404, 'MODEL_VERSION_NOT_DEPLOYED']);
    const unknown = await v2('/models/nope/stats', { headers: { 'X-Access-Token': token } });
    expect([unknown.status, code(unknown)]).toEqual([404, 'MODEL_NOT_FOUND']);
  });

  it('all-model statistics list only what the access token may use', async () => {
    const all = await v2('/models/stats', { headers: { 'X-Access-Token': token } });
    expect(all.body.model_stats.map((entry: { name: string }) => entry.name)).toEqual(['stats-adder', 'stats-other']);
    const restricted = await issueAccessToken(t.url, admin, [otherId]);
    const some = await v2('/models/stats', { headers: { 'X-Access-Token': restricted } });
    expect(some.body.model_stats.map((entry: { name: string }) => entry.name)).toEqual(['stats-other']);
    expect((await v2('/models/stats')).status).toBe(401);
  });

  it('repository index lists every model with its state; {"ready": true} only the served ones', async () => {
    const stored = await uploadModel(t.url, admin, { file: join(work, 'add.onnx'), name: 'repo-stored' });
    expect(stored.status).toBe(201);
    const index = await v2('/repository/index', { method: 'POST', headers: { 'X-Auth-Token': admin } });
    expect(index.status).toBe(200);
    const byName = Object.fromEntries(index.body.map((entry: { name: string; state: string }) => [entry.name, entry.state]));
    expect(byName).toMatchObject({ 'stats-adder': 'READY', 'stats-other': 'READY', 'repo-stored': 'UNAVAILABLE' });
    const ready = await v2('/repository/index', { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { ready: true } });
    expect(ready.body.map((entry: { name: string }) => entry.name).sort()).toEqual(['stats-adder', 'stats-other']);
    const bad = await v2('/repository/index', { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { ready: 'yes' } });
    expect([bad.status, code(bad)]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('load and unload deploy and undeploy, take operator or admin credentials, refuse access tokens, and are audited', async () => {
    const operator = await createUserAndLogin(t.url, admin, 'operator');
    const viewer = await createUserAndLogin(t.url, admin, 'viewer');
    const unloaded = await v2('/repository/models/repo-stored/unload', { method: 'POST', headers: { 'X-Auth-Token': operator.token } });
    expect(unloaded.status).toBe(200);
    const load = await v2('/repository/models/repo-stored/load', { method: 'POST', headers: { 'X-Auth-Token': operator.token } });
    expect(load.status).toBe(200);
    expect((await inferAdd('repo-stored')).body.outputs[0].data).toEqual([3, 5, 7, 9]);
    expect((await v2('/repository/models/repo-stored/load', { method: 'POST', headers: { 'X-Auth-Token': admin } })).status).toBe(200);
    const unload = await v2('/repository/models/repo-stored/unload', { method: 'POST', headers: { 'X-Auth-Token': admin } });
    expect(unload.status).toBe(200);
    const gone = await inferAdd('repo-stored');
    expect([gone.status, code(gone)]).toEqual([503, 'MODEL_NOT_DEPLOYED']);

    const asViewer = await v2('/repository/models/repo-stored/load', { method: 'POST', headers: { 'X-Auth-Token': viewer.token } });
    expect([asViewer.status, code(asViewer)]).toEqual([403, 'FORBIDDEN']);
    const withAccessToken = await v2('/repository/models/repo-stored/load', { method: 'POST', headers: { 'X-Access-Token': token } });
    expect(withAccessToken.status).toBe(401);
    const bearerAccessToken = await v2('/repository/models/repo-stored/load', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(bearerAccessToken.status).toBe(401);
    const unknown = await v2('/repository/models/never-was/load', { method: 'POST', headers: { 'X-Auth-Token': admin } });
    expect([unknown.status, code(unknown)]).toEqual([404, 'MODEL_NOT_FOUND']);
    expect((await v2('/repository/index', { method: 'POST', headers: { 'X-Access-Token': token } })).status).toBe(401);

    const audit = await request(`${t.url}/api/v1/internal/audit?limit=100`, { headers: { 'X-Auth-Token': admin } });
    const entries = (audit.body.items as Array<{ action: string; outcome: string; actorUsername: string | null }>).filter((entry) => /^model\.(deploy|undeploy)$/.test(entry.action));
    expect(entries.filter((entry) => entry.outcome === 'success' && entry.actorUsername === operator.user.username).map((entry) => entry.action).sort()).toEqual(['model.deploy', 'model.undeploy']);
    expect(entries.some((entry) => entry.outcome === 'failure' && entry.actorUsername === viewer.user.username)).toBe(true);
    expect(entries.some((entry) => entry.outcome === 'failure' && entry.actorUsername === null)).toBe(true);
  });
});
