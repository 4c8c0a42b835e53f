import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';

const USERS = '/api/v1/internal/users';

describe('users admin API over HTTP', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '100' });
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    adminId = (await request(`${t.url}/api/v1/internal/auth/me`, { headers: { 'X-Auth-Token': admin } })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (method: string, path: string, token: string | undefined, json?: unknown) =>
    request(`${t.url}${USERS}${path}`, { method, json, headers: token ? { 'X-Auth-Token': token } : {} });

  it('creates a user (201, no password or hash in the answer) and lists, gets, updates it', async () => {
    const created = await call('POST', '', admin, { username: 'op.erator-1', password: 'operator-password', role: 'operator' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), username: 'op.erator-1', role: 'operator', createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(JSON.stringify(created.body)).not.toMatch(/password|scrypt/i);

    const list = await call('GET', '?limit=100', admin);
    expect(list.status).toBe(200);
    expect(list.body.total).toBeGreaterThanOrEqual(2);
    expect(list.body.items.map((user: { username: string }) => user.username)).toEqual(expect.arrayContaining(['admin', 'op.erator-1']));
    expect(JSON.stringify(list.body)).not.toMatch(/passwordHash|scrypt/);
    const page = await call('GET', '?limit=1&offset=0', admin);
    expect([page.body.items.length, page.body.total]).toEqual([1, list.body.total]);

    expect((await call('GET', `/${created.body.id}`, admin)).body).toEqual(created.body);
    const patched = await call('PATCH', `/${created.body.id}`, admin, { role: 'viewer' });
    expect([patched.status, patched.body.role]).toEqual([200, 'viewer']);
  });

  it('409 USERNAME_TAKEN on duplicates (case-insensitive), 404 USER_NOT_FOUND for unknown ids', async () => {
    await call('POST', '', admin, { username: 'dupe', password: 'long-enough-1', role: 'viewer' });
    const again = await call('POST', '', admin, { username: 'DUPE', password: 'long-enough-2', role: 'viewer' });
    expect([again.status, again.body.error.code]).toEqual([409, 'USERNAME_TAKEN']);
    for (const [method, body] of [['GET', undefined], ['PATCH', { role: 'viewer' }], ['DELETE', undefined]] as const) {
      const res = await call(method, '/00000000-0000-0000-0000-000000000000', admin, body);
      expect([method, res.status, res.body.error.code]).toEqual([method, 404, 'USER_NOT_FOUND']);
    }
  });

  it('an admin password reset ends the user’s sessions and only the new password logs in', async () => {
    const { user, password, token } = await createUserAndLogin(t.url, admin, 'viewer');
    expect((await call('PATCH', `/${user.id}`, admin, { password: 'reset-by-admin' })).status).toBe(200);
    expect((await request(`${t.url}/api/v1/internal/auth/me`, { headers: { 'X-Auth-Token': token } })).status).toBe(401);
    await expect(loginAs(t.url, user.username, password)).rejects.toThrow(/401/);
    await expect(loginAs(t.url, user.username, 'reset-by-admin')).resolves.toEqual(expect.any(String));
  });

  it('operators and viewers get 403 FORBIDDEN on every user route; no token is 401', async () => {
    for (const role of ['operator', 'viewer'] as const) {
      const { token, user } = await createUserAndLogin(t.url, admin, role);
      const attempts: Array<[string, string, unknown]> = [
        ['GET', '', undefined],
        ['POST', '', { username: `x-${role}`, password: 'long-enough', role: 'admin' }],
        ['GET', `/${user.id}`, undefined],
        ['PATCH', `/${user.id}`, { role: 'admin' }],
        ['DELETE', `/${adminId}`, undefined],
      ];
      for (const [method, path, body] of attempts) {
        const res = await call(method, path, token, body);
        expect([role, method, path, res.status, res.body.error.code]).toEqual([role, method, path, 403, 'FORBIDDEN']);
      }
      // Their own session still works for non-admin routes.
      expect((await request(`${t.url}/api/v1/internal/auth/me`, { headers: { 'X-Auth-Token': token } })).body.role).toBe(role);
    }
    const anonymous = await call('GET', '', undefined);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'AUTH_TOKEN_MISSING']);
  });

  it('a demoted admin loses admin powers at once, and a deleted user’s token stops working', async () => {
    const { token, user, password } = await createUserAndLogin(t.url, admin, 'admin');
    expect((await call('GET', '', token)).status).toBe(200);
    expect((await call('PATCH', `/${user.id}`, admin, { role: 'operator' })).status).toBe(200);
    // A demotion ends the user's logins; signing in again gives the lower role only.
    const stale = await call('GET', '', token);
    expect([stale.status, stale.body.error.code]).toEqual([401, 'AUTH_TOKEN_INVALID']);
    expect((await call('GET', '', await loginAs(t.url, user.username, password))).status).toBe(403);

    const doomed = await createUserAndLogin(t.url, admin, 'viewer');
    expect((await call('DELETE', `/${doomed.user.id}`, admin)).status).toBe(204);
    const me = await request(`${t.url}/api/v1/internal/auth/me`, { headers: { 'X-Auth-Token': doomed.token } });
    expect([me.status, me.body.error.code]).toEqual([401, 'AUTH_TOKEN_INVALID']);
    expect((await call('GET', `/${doomed.user.id}`, admin)).status).toBe(404);
  });

  it('the last admin can be neither deleted nor demoted (409 LAST_ADMIN), but can once another admin exists', async () => {
    const admins = async () => (await call('GET', '?limit=500', admin)).body.items.filter((u: { role: string }) => u.role === 'admin');
    for (const other of await admins()) {
      if (other.id !== adminId) await call('DELETE', `/${other.id}`, admin);
    }
    expect(await admins()).toHaveLength(1);
    const del = await call('DELETE', `/${adminId}`, admin);
    expect([del.status, del.body.error.code]).toEqual([409, 'LAST_ADMIN']);
    const demote = await call('PATCH', `/${adminId}`, admin, { role: 'viewer' });
    expect([demote.status, demote.body.error.code]).toEqual([409, 'LAST_ADMIN']);

    const second = await createUserAndLogin(t.url, admin, 'admin');
    const demoteFirst = await call('PATCH', `/${adminId}`, second.token, { role: 'operator' });
    expect([demoteFirst.status, demoteFirst.body.role]).toEqual([200, 'operator']);
    const selfDelete = await call('DELETE', `/${second.user.id}`, second.token);
    expect(selfDelete.body.error.code).toBe('LAST_ADMIN');
    // Restore for the other tests (the demotion ended the first admin's logins).
    expect((await call('PATCH', `/${adminId}`, second.token, { role: 'admin' })).status).toBe(200);
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });

  it('validates bodies and queries: 400 VALIDATION_FAILED with field details, never a 500', async () => {
    const bad: Array<[string, unknown, string]> = [
      ['empty', {}, 'username'],
      ['bad characters', { username: 'no spaces!', password: 'long-enough', role: 'viewer' }, 'username'],
      ['unicode lookalike', { username: 'аdmin', password: 'long-enough', role: 'viewer' }, 'username'],
      ['65 chars', { username: 'a'.repeat(65), password: 'long-enough', role: 'viewer' }, 'username'],
      ['1 MB username', { username: 'a'.repeat(1024 * 1024), password: 'long-enough', role: 'viewer' }, 'username'],
      ['short password', { username: 'shorty', password: '1234567', role: 'viewer' }, 'password'],
      ['long password', { username: 'longy', password: 'p'.repeat(257), role: 'viewer' }, 'password'],
      ['unknown role', { username: 'rooty', password: 'long-enough', role: 'root' }, 'role'],
      ['wrong types', { username: ['a'], password: 12345678, role: null }, 'username'],
      ['array body', [{ username: 'arr', password: 'long-enough', role: 'viewer' }], '(body)'],
      ['extra field', { username: 'extra', password: 'long-enough', role: 'viewer', isSuperuser: true }, '(body)'],
    ];
    for (const [name, body, field] of bad) {
      const res = await call('POST', '', admin, body);
      expect([name, res.status, res.body.error.code]).toEqual([name, 400, 'VALIDATION_FAILED']);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const notJson = await request(`${t.url}${USERS}`, { method: 'POST', body: '{"username": "x", ', headers: { 'X-Auth-Token': admin, 'content-type': 'application/json' } });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, 'INVALID_JSON']);
    const proto = await request(`${t.url}${USERS}`, {
      method: 'POST',
      body: '{"username":"proto","password":"long-enough","role":"viewer","__proto__":{"role":"admin"}}',
      headers: { 'X-Auth-Token': admin, 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    const constructorKey = await call('POST', '', admin, JSON.parse('{"username":"ctor","password":"long-enough","role":"viewer","constructor":{"prototype":{"x":1}}}'));
    expect(constructorKey.status).toBe(400);
    expect((await call('PATCH', `/${adminId}`, admin, {})).status).toBe(400);
    expect((await call('PATCH', `/${adminId}`, admin, { password: 'short' })).status).toBe(400);
    for (const query of ['?limit=abc', '?limit=0', '?limit=100000', '?offset=-1']) {
      expect((await call('GET', query, admin)).status).toBe(400);
    }
    const weirdId = await call('GET', `/${encodeURIComponent("' OR 1=1 --")}`, admin);
    expect([weirdId.status, weirdId.body.error.code]).toEqual([404, 'USER_NOT_FOUND']);
  });
});
