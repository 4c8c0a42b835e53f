import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { unverifiedActorName } from '../../src/audit/audit-scope.js';

const AUDIT = '/api/v1/internal/audit';

interface AuditItem {
  id: number;
  action: string;
  actorId: string | null;
  actorUsername: string | null;
  target: string | null;
  outcome: 'success' | 'failure';
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
  createdAt: string;
}

describe('audit log over HTTP', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '100' });
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
  });

  async function audit(query = ''): Promise<{ items: AuditItem[]; total: number }> {
    const res = await request(`${t.url}${AUDIT}${query}`, { headers: { 'X-Auth-Token': admin } });
    expect(res.status).toBe(200);
    return res.body;
  }

  it('records a user creation with actor, IP, request id and outcome', async () => {
    const res = await request(`${t.url}/api/v1/internal/users`, {
      method: 'POST',
      headers: { 'X-Auth-Token': admin, 'X-Request-Id': 'audit-create-1' },
      json: { username: 'audited', password: 'audited-password', role: 'viewer' },
    });
    expect(res.status).toBe(201);
    const [entry] = (await audit('?action=user.create')).items;
    expect(entry).toMatchObject({ action: 'user.create', target: res.body.id, actorUsername: 'admin', actorId: expect.any(String), outcome: 'success', ip: '127.0.0.1', requestId: 'audit-create-1' });
    expect(Date.parse(entry.createdAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('starts with the first-boot admin creation', async () => {
    const all = (await audit('?limit=500')).items;
    expect(all[all.length - 1]).toMatchObject({ action: 'user.bootstrap_admin', outcome: 'success', details: { username: 'admin', passwordGenerated: false } });
  });

  it('names the user behind a refresh', async () => {
    const session = (await request(`${t.url}/api/v1/internal/auth/login`, { method: 'POST', json: TEST_ADMIN })).body;
    await request(`${t.url}/api/v1/internal/auth/refresh`, { method: 'POST', json: { refreshToken: session.refreshToken } });
    const [entry] = (await audit('?action=auth.refresh')).items;
    expect(entry).toMatchObject({ outcome: 'success', actorUsername: 'admin', actorId: session.user.id });
    expect(JSON.stringify(await audit('?limit=500'))).not.toContain(session.refreshToken);
  });

  it('records logins, a failed one with a fingerprint of the attempted username, and never the password', async () => {
    await request(`${t.url}/api/v1/internal/auth/login`, { method: 'POST', json: { username: 'nosuchuser', password: 'hunter2-secret' } });
    await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const logins = (await audit('?action=auth.login')).items;
    expect(logins[0]).toMatchObject({ actorUsername: 'admin', outcome: 'success', actorId: expect.any(String) });
    expect(logins.find((entry) => entry.actorUsername === unverifiedActorName('nosuchuser'))).toMatchObject({ outcome: 'failure', details: { status: 401, code: 'INVALID_CREDENTIALS' } });
    // A password typed into the username field never lands in the log.
    await request(`${t.url}/api/v1/internal/auth/login`, { method: 'POST', json: { username: 'Typed-My-Password-Here', password: 'x' } });
    const everything = JSON.stringify(await audit('?limit=500'));
    expect(everything).not.toContain('hunter2-secret');
    expect(everything).not.toContain('nosuchuser');
    expect(everything).not.toContain('Typed-My-Password-Here');
    expect(everything).not.toContain(TEST_ADMIN.password);
  });

  it('records refused calls: a forbidden delete names the caller and the target; an anonymous one too', async () => {
    const viewer = await createUserAndLogin(t.url, admin, 'viewer');
    const forbidden = await request(`${t.url}/api/v1/internal/users/${viewer.user.id}`, { method: 'DELETE', headers: { 'X-Auth-Token': viewer.token } });
    expect(forbidden.status).toBe(403);
    const anonymous = await request(`${t.url}/api/v1/internal/users/${viewer.user.id}`, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    const deletes = (await audit('?action=user.delete')).items;
    expect(deletes.slice(0, 2)).toEqual([
      expect.objectContaining({ actorUsername: null, target: viewer.user.id, outcome: 'failure', details: { status: 401 } }),
      expect.objectContaining({ actorUsername: viewer.user.username, target: viewer.user.id, outcome: 'failure', details: { status: 403 } }),
    ]);
  });

  it('records failures from validation and malformed JSON, and not reads', async () => {
    const before = (await audit()).total;
    await request(`${t.url}/api/v1/internal/users`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { username: '' } });
    await request(`${t.url}/api/v1/internal/users`, { method: 'POST', body: '{oops', headers: { 'X-Auth-Token': admin, 'content-type': 'application/json' } });
    await request(`${t.url}/api/v1/internal/users`, { headers: { 'X-Auth-Token': admin } });
    const page = await audit('?limit=2');
    expect(page.total).toBe(before + 2);
    expect(page.items.map((entry) => [entry.action, entry.outcome, entry.details?.status])).toEqual([
      ['user.create', 'failure', 400],
      ['user.create', 'failure', 400],
    ]);
  });

  it('filters by action and actor, pages newest first', async () => {
    const op = await createUserAndLogin(t.url, admin, 'operator');
    await request(`${t.url}/api/v1/internal/auth/logout`, { method: 'POST', headers: { 'X-Auth-Token': op.token } });
    const byActor = await audit(`?actor=${op.user.username}`);
    expect(byActor.items.map((entry) => entry.action)).toEqual(['auth.logout', 'auth.login']);
    expect(byActor.items.every((entry) => entry.actorUsername === op.user.username)).toBe(true);
    const all = await audit('?limit=500');
    expect(all.items.map((entry) => entry.id)).toEqual([...all.items.map((entry) => entry.id)].sort((a, b) => b - a));
    const second = await audit('?limit=1&offset=1');
    expect(second.items[0].id).toBe(all.items[1].id);
    expect(second.total).toBe(all.total);
    expect((await audit('?action=no.such.action')).items).toEqual([]);
  });

  it('filters by outcome and by a date range', async () => {
    await request(`${t.url}/api/v1/internal/auth/login`, { method: 'POST', json: { username: TEST_ADMIN.username, password: 'wrong-password' } });
    const failures = await audit('?outcome=failure&limit=500');
    expect(failures.items.length).toBeGreaterThan(0);
    expect(failures.items.every((entry) => entry.outcome === 'failure')).toBe(true);
    const successes = await audit('?outcome=success&limit=500');
    expect(successes.items.every((entry) => entry.outcome === 'success')).toBe(true);
    const all = await audit('?limit=500');
    expect(failures.total + successes.total).toBe(all.total);

    const newest = all.items[0];
    const at = new Date(newest.createdAt);
    const fromNewest = await audit(`?from=${encodeURIComponent(at.toISOString())}&limit=500`);
    expect(fromNewest.items.map((entry) => entry.id)).toContain(newest.id);
    expect(fromNewest.items.every((entry) => new Date(entry.createdAt) >= at)).toBe(true);
    const beforeNewest = await audit(`?to=${encodeURIComponent(at.toISOString())}&limit=500`);
    expect(beforeNewest.items.map((entry) => entry.id)).not.toContain(newest.id);
    expect(beforeNewest.items.every((entry) => new Date(entry.createdAt) < at)).toBe(true);
    const past = await audit(`?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z`);
    expect(past).toEqual({ items: [], total: 0 });
  });

  it('is admin-only and validates its query', async () => {
    const op = await createUserAndLogin(t.url, admin, 'operator');
    const res = await request(`${t.url}${AUDIT}`, { headers: { 'X-Auth-Token': op.token } });
    expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await request(`${t.url}${AUDIT}`)).status).toBe(401);
    for (const query of ['?limit=x', `?action=${'a'.repeat(65)}`, '?offset=-5', '?outcome=maybe', '?from=yesterday', '?to=2024-13-45T00:00:00Z']) {
      const bad = await request(`${t.url}${AUDIT}${query}`, { headers: { 'X-Auth-Token': admin } });
      expect([query, bad.status, bad.body.error.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
  });

  it('records a bounded number of refusals per minute from one unidentified address, and counts the rest', async () => {
    const other = await startTestApp({ AUDIT_ANONYMOUS_PER_MINUTE: '5', TRUSTED_PROXIES: '127.0.0.1/32' });
    try {
      const otherAdmin = await loginAs(other.url, TEST_ADMIN.username, TEST_ADMIN.password);
      const anonymousDelete = (address: string) => request(`${other.url}/api/v1/internal/users/someone`, { method: 'DELETE', headers: { 'X-Forwarded-For': address } });
      for (let i = 0; i < 40; i++) expect((await anonymousDelete('203.0.113.5')).status).toBe(401);
      const rows = async () => (await request(`${other.url}${AUDIT}?action=user.delete&limit=500`, { headers: { 'X-Auth-Token': otherAdmin } })).body as { items: AuditItem[]; total: number };
      expect((await rows()).items.filter((entry) => entry.ip === '203.0.113.5')).toHaveLength(5);
      // Another address has its own budget; an identified caller is always recorded.
      expect((await anonymousDelete('203.0.113.6')).status).toBe(401);
      const after = (await rows()).items;
      expect(after.filter((entry) => entry.ip === '203.0.113.6')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
