import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loginAs } from '../helpers/auth.js';
import { createScratchPostgres, ScratchPostgres } from '../helpers/test-databases.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { buildOnnxClassifier } from '../fixtures/models/onnx-builders.js';
import { chelseaPng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

const postgresAdminUrl = inject('postgresAdminUrl');
const TOKENS = '/api/v1/internal/tokens';

/**
 * PostgreSQL briefly unavailable: the database refuses new sessions and every open one is
 * terminated (pg_terminate_backend). Admin writes get a clean 503, inference keeps being served
 * from what the replica holds locally, and once the database is back writes succeed again with
 * nothing half-applied.
 */
describe.skipIf(!postgresAdminUrl)('PostgreSQL briefly unavailable', () => {
  let database: ScratchPostgres;
  let t: TestApp;
  let admin: string;
  let work: string;
  let modelId: string;
  let accessToken: string;

  const setConnectionsAllowed = async (allowed: boolean) => {
    const client = new pg.Client({ connectionString: postgresAdminUrl! });
    await client.connect();
    try {
      await client.query(`ALTER DATABASE "${database.name}" ALLOW_CONNECTIONS ${allowed}`);
      if (!allowed) await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [database.name]);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    database = await createScratchPostgres(postgresAdminUrl!);
    work = mkdtempSync(join(tmpdir(), 'modelport-db-outage-'));
    t = await startTestApp({ DATABASE_URL: database.url });
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const classifier = buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 16, classes: 3 });
    modelId = await uploadAndDeploy(t.url, admin, { file: classifier.path, name: 'outage-classifier', config: { task: 'classification' } });
    accessToken = await issueAccessToken(t.url, admin);
    // Served once, so the token's lookup and usage counter are held by the replica.
    expect((await infer(t.url, accessToken, modelId, { body: imageForm([chelseaPng()]) })).status).toBe(200);
  });

  afterAll(async () => {
    await setConnectionsAllowed(true).catch(() => undefined);
    await t?.close();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('admin writes answer 503 DATABASE_UNAVAILABLE while inference is served; afterwards writes succeed and nothing was half-applied', async () => {
    await setConnectionsAllowed(false);
    try {
      const created = await request(`${t.url}${TOKENS}`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'during-outage', allowedModels: ['*'] } });
      expect(created.status, JSON.stringify(created.body)).toBe(503);
      expect(created.body.error).toEqual({ code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/unavailable/), requestId: expect.any(String) });
      expect(created.headers.get('retry-after')).toBe('5');

      const patched = await request(`${t.url}/api/v1/internal/models/${modelId}`, { method: 'PATCH', headers: { 'X-Auth-Token': admin }, json: { description: 'during outage' } });
      expect(patched.status, JSON.stringify(patched.body)).toBe(503);
      expect(patched.body.error.code).toBe('DATABASE_UNAVAILABLE');

      for (let i = 0; i < 5; i++) {
        const served = await infer(t.url, accessToken, modelId, { body: imageForm([chelseaPng()]) });
        expect(served.status, JSON.stringify(served.body)).toBe(200);
      }
    } finally {
      await setConnectionsAllowed(true);
    }

    const after = await request(`${t.url}${TOKENS}`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'after-outage', allowedModels: ['*'] } });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    const listed = await request(`${t.url}${TOKENS}?limit=100`, { headers: { 'X-Auth-Token': admin } });
    const names = (listed.body.items as Array<{ name: string }>).map((token) => token.name);
    expect(names).toContain('after-outage');
    expect(names).not.toContain('during-outage');
    const model = await request(`${t.url}/api/v1/internal/models/${modelId}`, { headers: { 'X-Auth-Token': admin } });
    expect(model.body.description ?? null).not.toBe('during outage');
  });
});
