import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { allMigrations } from '../../migrations/index.js';
import { nearestRankPercentile } from '../../src/metrics/sample-ring.js';
import { loginAs } from '../helpers/auth.js';
import { createScratchPostgres, ScratchPostgres } from '../helpers/test-databases.js';
import { request, TEST_ADMIN } from '../helpers/test-app.js';
import { buildOnnxClassifier } from '../fixtures/models/onnx-builders.js';
import { chelseaPng, imageForm, infer } from '../serving/serving-helpers.js';
import { Replica, startReplica, waitFor, waitReady } from './replicas.js';

const postgresAdminUrl = inject('postgresAdminUrl');
const redisUrl = inject('redisUrl');
const TOKENS = '/api/v1/internal/tokens';
const MODELS = '/api/v1/internal/models';
/** Far above what an announcement takes, far below the 60 s a cached token lookup lives and the reconcile interval set below. */
const PROPAGATION_BOUND_MS = 45_000;

/**
 * The scale tier: three replicas of the production build on loopback ports sharing one fresh
 * PostgreSQL database, one Redis prefix and one DATA_DIR. Needs PostgreSQL and Redis (the run's
 * probe in test/global-setup.ts prints one line when it skips this).
 */
describe.skipIf(!postgresAdminUrl || !redisUrl)('three replicas sharing PostgreSQL, Redis and a model directory (scale)', () => {
  let database: ScratchPostgres;
  let dataDir: string;
  let work: string;
  let replicas: Replica[] = [];
  let admin: string;
  const redisPrefix = `mp-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createScratchPostgres(postgresAdminUrl!);
    dataDir = mkdtempSync(join(tmpdir(), 'modelport-scale-'));
    work = mkdtempSync(join(tmpdir(), 'modelport-scale-work-'));
    // Announcements alone must carry changes: the periodic reconcile is pushed beyond the test's bounds.
    const shared = { databaseUrl: database.url, redisUrl: redisUrl!, redisPrefix, dataDir, env: { RECONCILE_INTERVAL_MS: '600000' } };
    // All three at once against the empty database.
    replicas = await Promise.all(['A', 'B', 'C'].map((name) => startReplica(name, shared)));
    await Promise.all(replicas.map(waitReady));
    admin = await loginAs(replicas[0].url, TEST_ADMIN.username, TEST_ADMIN.password);
  }, 400_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await database?.drop();
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`${redisPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('booting at once on an empty database, every migration ran exactly once and one admin was created', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const migrations = await client.query('SELECT "name" FROM "migrations" ORDER BY "id"');
      expect(migrations.rows.map((row) => row.name)).toEqual(allMigrations.map((migration) => new migration().name));
      const admins = await client.query(`SELECT COUNT(*)::int AS count FROM "users" WHERE "role" = 'admin'`);
      expect(admins.rows[0].count).toBe(1);
    } finally {
      await client.end();
    }
    for (const replica of replicas) expect(replica.output()).not.toMatch(/already exists|QueryFailedError/);
  });

  it('a session issued by one replica works on every replica (one JWT secret, one user table)', async () => {
    for (const replica of replicas) expect((await request(`${replica.url}/api/v1/internal/auth/me`, { headers: { 'X-Auth-Token': admin } })).status).toBe(200);
  });

  it('a token revoked on A is refused on B and C, though both had it cached', async () => {
    const created = await request(`${replicas[0].url}${TOKENS}`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'revoke-me', allowedModels: ['*'] } });
    expect(created.status).toBe(201);
    const listModels = (replica: Replica) => request(`${replica.url}/api/v1/models`, { headers: { 'X-Access-Token': created.body.token } });
    for (const replica of replicas) expect((await listModels(replica)).status).toBe(200);
    const revoked = await request(`${replicas[0].url}${TOKENS}/${created.body.id}`, { method: 'DELETE', headers: { 'X-Auth-Token': admin } });
    expect(revoked.status).toBeLessThan(300);
    const returnedAt = Date.now();
    const delays = await Promise.all(
      replicas.slice(1).map((replica) =>
        waitFor(async () => ((await listModels(replica)).status === 401 ? Date.now() - returnedAt : undefined), `revocation on ${replica.name}`, PROPAGATION_BOUND_MS),
      ),
    );
    console.log(`scale: revocation on A refused on B/C after ${delays.join(' / ')} ms`);
  }, 120_000);

  // Not yet: the token limiter reads then writes its bucket, atomic within one process only, so
  // concurrent requests on different replicas can both take the last slot. Exactness across replicas
  // needs that step done atomically in Redis (see docs/scale-out.md, "Not yet shared").
  it.todo('a token allowed 30 requests a minute gets exactly 30 answers across the three replicas');

  it('a deploy and an undeploy through A serve, and stop serving, on B and C (desired state in the database)', async () => {
    const classifier = buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 16, classes: 3 });
    const form = new FormData();
    form.append('name', 'shared-classifier');
    form.append('config', JSON.stringify({ task: 'classification' }));
    form.append('file', new Blob([new Uint8Array(readFileSync(classifier.path))]), 'classifier.onnx');
    const uploaded = await request(`${replicas[0].url}${MODELS}`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: form });
    expect(uploaded.status).toBe(201);
    const id = uploaded.body.id as string;
    const access = await request(`${replicas[0].url}${TOKENS}`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'serving', allowedModels: ['*'] } });
    // A replica not serving the model answers before reading the image and closes the connection, which fetch may report as EPIPE.
    const serves = async (replica: Replica) =>
      infer(replica.url, access.body.token, id, { body: imageForm([chelseaPng()]) }).then(
        (res) => res.status === 200,
        () => false,
      );

    const delays = { deploy: [] as number[], undeploy: [] as number[] };
    for (let round = 0; round < 3; round += 1) {
      for (const action of ['deploy', 'undeploy'] as const) {
        const res = await request(`${replicas[0].url}${MODELS}/${id}/${action}`, { method: 'POST', headers: { 'X-Auth-Token': admin } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const returnedAt = Date.now();
        expect(await serves(replicas[0])).toBe(action === 'deploy');
        delays[action].push(
          ...(await Promise.all(
            replicas.slice(1).map((replica) =>
              waitFor(async () => ((await serves(replica)) === (action === 'deploy') ? Date.now() - returnedAt : undefined), `${action} on ${replica.name}`, PROPAGATION_BOUND_MS),
            ),
          )),
        );
      }
    }
    for (const [action, values] of Object.entries(delays)) {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(`scale: ${action} through A reflected in serving on B/C after p50 ${nearestRankPercentile(sorted, 50)} ms, max ${sorted[sorted.length - 1]} ms over ${sorted.length}`);
    }
  }, 600_000);
});
