import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PER_REPLICA_LIMITS_WARNING } from '../../src/cluster/cluster-providers.js';
import { loginAs } from '../helpers/auth.js';
import { waitFor } from '../helpers/child-server.js';
import { createScratchPostgres, ScratchPostgres } from '../helpers/test-databases.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { WarnCapture } from '../helpers/warn-capture.js';

const postgresAdminUrl = inject('postgresAdminUrl');
const TOKENS = '/api/v1/internal/tokens';

/**
 * Two replicas on one PostgreSQL database and no Redis: announcements travel over LISTEN/NOTIFY
 * and heartbeats through the database, and each replica warns once that limits are per replica.
 */
describe.skipIf(!postgresAdminUrl)('PostgreSQL without Redis: two replicas', () => {
  let database: ScratchPostgres;
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  const logs = [new WarnCapture(), new WarnCapture()];

  beforeAll(async () => {
    database = await createScratchPostgres(postgresAdminUrl!);
    // The reconcile and the token cache (60 s) are both far beyond the bound below: only an announcement can do it.
    const env = { DATABASE_URL: database.url, RECONCILE_INTERVAL_MS: '600000', HEARTBEAT_INTERVAL_MS: '200' };
    a = await startTestApp(env, undefined, { logger: logs[0] });
    b = await startTestApp(env, undefined, { logger: logs[1] });
    admin = await loginAs(a.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
  });

  it('each replica warns once at boot that limits count per replica', () => {
    for (const capture of logs) {
      expect(capture.warnings.filter((warning) => JSON.stringify(warning).includes(PER_REPLICA_LIMITS_WARNING.slice(0, 40)))).toHaveLength(1);
    }
  });

  it('a token revoked on A is refused on B, which had it cached, well before its cache would expire', async () => {
    const created = await request(`${a.url}${TOKENS}`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'notify-me', allowedModels: ['*'] } });
    expect(created.status).toBe(201);
    const listOnB = () => request(`${b.url}/api/v1/models`, { headers: { 'X-Access-Token': created.body.token } });
    expect((await listOnB()).status).toBe(200);
    const revoked = await request(`${a.url}${TOKENS}/${created.body.id}`, { method: 'DELETE', headers: { 'X-Auth-Token': admin } });
    expect(revoked.status).toBeLessThan(300);
    await waitFor(async () => ((await listOnB()).status === 401 ? true : undefined), 'revocation on B', 30_000);
  });

  it('GET /system/replicas lists both, from heartbeats in the database', async () => {
    const res = await request(`${b.url}/api/v1/internal/system/replicas`, { headers: { 'X-Auth-Token': admin } });
    expect(res.status).toBe(200);
    expect((res.body.items as Array<{ address: string }>).map((item) => item.address).sort()).toEqual([`127.0.0.1:${new URL(a.url).port}`, `127.0.0.1:${new URL(b.url).port}`].sort());
  });
});
