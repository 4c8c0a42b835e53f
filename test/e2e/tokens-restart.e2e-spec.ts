import { afterAll, describe, expect, it } from 'vitest';
import { TokenUsageTracker } from '../../src/tokens/token-usage.tracker.js';
import { loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';

describe('access token usage survives a restart', () => {
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
  });

  it('keeps usedThisMonth and lastUsedAt after a graceful shutdown', async () => {
    t = await startTestApp();
    let admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const created = await request(`${t.url}/api/v1/internal/tokens`, {
      method: 'POST',
      headers: { 'X-Auth-Token': admin },
      json: { name: 'counted', allowedModels: ['*'], monthlyQuota: 10 },
    });
    const id = created.body.id as string;
    // Counted (inference) calls go through the tracker; no external route counts usage yet.
    const usage = t.app.get(TokenUsageTracker);
    for (let i = 0; i < 3; i++) expect(await usage.tryConsume(id, 10)).toBe(true);
    expect((await request(`${t.url}/api/v1/models`, { headers: { 'X-Access-Token': created.body.token } })).status).toBe(200);
    const before = await request(`${t.url}/api/v1/internal/tokens/${id}`, { headers: { 'X-Auth-Token': admin } });
    expect(before.body).toMatchObject({ usedThisMonth: 3, remainingQuota: 7, lastUsedAt: expect.any(String) });

    // Closing right away: the increments are still only in memory and must be saved on shutdown.
    const dataDir = t.dataDir;
    await t.close({ keepData: true });
    t = await startTestApp({}, dataDir);
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const after = await request(`${t.url}/api/v1/internal/tokens/${id}`, { headers: { 'X-Auth-Token': admin } });
    expect(after.body).toMatchObject({ usedThisMonth: 3, remainingQuota: 7, lastUsedAt: before.body.lastUsedAt });
    // The old secret still works after the restart (nothing but the hash was stored).
    expect((await request(`${t.url}/api/v1/models`, { headers: { 'X-Access-Token': created.body.token } })).status).toBe(200);
  });
});
