import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';

const TOKENS = '/api/v1/internal/tokens';

describe('access tokens: admin API and the X-Access-Token guard', () => {
  let t: TestApp;
  let admin: string;

  const asAdmin = (path: string, init: Parameters<typeof request>[1] = {}) =>
    request(`${t.url}${path}`, { ...init, headers: { 'X-Auth-Token': admin, ...(init.headers as Record<string, string>) } });
  const issue = async (body: Record<string, unknown> = {}) => {
    const res = await asAdmin(TOKENS, { method: 'POST', json: { name: 'client', allowedModels: ['*'], ...body } });
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string; [field: string]: unknown };
  };
  const listModels = (token: string | undefined, headers: Record<string, string> = {}) =>
    request(`${t.url}/api/v1/models`, { headers: token === undefined ? headers : { 'X-Access-Token': token, ...headers } });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('issuing and managing tokens', () => {
    it('issues a token with an mp_ secret shown once, a safe preview and every field', async () => {
      const res = await asAdmin(TOKENS, {
        method: 'POST',
        json: {
          name: 'partner',
          description: 'Partner integration',
          allowedModels: ['m-1', 'm-2'],
          ipAllowlist: ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32'],
          rateLimitPerMinute: 60,
          monthlyQuota: 100000,
          expiresAt: '2099-01-01T00:00:00Z',
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.token).toMatch(/^mp_[A-Za-z0-9_-]{43}$/);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        name: 'partner',
        description: 'Partner integration',
        allowedModels: ['m-1', 'm-2'],
        ipAllowlist: ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32'],
        rateLimitPerMinute: 60,
        monthlyQuota: 100000,
        expiresAt: '2099-01-01T00:00:00.000Z',
        status: 'active',
        usedThisMonth: 0,
        remainingQuota: 100000,
        lastUsedAt: null,
      });
      const body = res.body.token.slice(3);
      expect(res.body.tokenPreview).toBe(`mp_${body.slice(0, 4)}…${body.slice(-4)}`);
      expect(JSON.stringify(res.body)).not.toMatch(/hash/i);
    });

    it('never shows the secret again: not in the detail, not in the list', async () => {
      const issued = await issue({ name: 'secret-check' });
      const detail = await asAdmin(`${TOKENS}/${issued.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: issued.id, tokenPreview: issued.tokenPreview, status: 'active', usedThisMonth: 0 });
      expect(detail.body.token).toBeUndefined();
      const list = await asAdmin(`${TOKENS}?search=secret-check`);
      expect(list.body.total).toBe(1);
      for (const text of [JSON.stringify(detail.body), JSON.stringify(list.body)]) {
        expect(text).not.toContain(issued.token);
        expect(text).not.toContain(issued.token.slice(3, 20));
      }
    });

    it('validates every field, naming it', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ allowedModels: ['*'] }, 'name'],
        [{ name: 'x', allowedModels: [] }, 'allowedModels'],
        [{ name: 'x', allowedModels: ['*'], ipAllowlist: ['10.0.0.0/8', '300.1.1.1'] }, 'ipAllowlist.1'],
        [{ name: 'x', allowedModels: ['*'], ipAllowlist: ['2001:db8::/200'] }, 'ipAllowlist.0'],
        [{ name: 'x', allowedModels: ['*'], rateLimitPerMinute: -5 }, 'rateLimitPerMinute'],
        [{ name: 'x', allowedModels: ['*'], monthlyQuota: 'lots' }, 'monthlyQuota'],
        [{ name: 'x', allowedModels: ['*'], expiresAt: 'soon' }, 'expiresAt'],
        [{ name: 'x', allowedModels: ['*'], expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
      ];
      for (const [json, field] of cases) {
        const res = await asAdmin(TOKENS, { method: 'POST', json });
        expect(res.status, JSON.stringify(json)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
      }
      const notJson = await asAdmin(TOKENS, { method: 'POST', body: '{"name":', headers: { 'content-type': 'application/json' } });
      expect(notJson.status).toBe(400);
      const arrayBody = await asAdmin(TOKENS, { method: 'POST', json: [1, 2] });
      expect(arrayBody.status).toBe(400);
      const badQuery = await asAdmin(`${TOKENS}?status=deleted&limit=0`);
      expect(badQuery.status).toBe(400);
    });

    it('patches limits, allow-lists, name, description and expiry', async () => {
      const issued = await issue({ name: 'before' });
      const res = await asAdmin(`${TOKENS}/${issued.id}`, {
        method: 'PATCH',
        json: { name: 'after', description: 'd', allowedModels: ['m-9'], ipAllowlist: ['127.0.0.1'], rateLimitPerMinute: 10, monthlyQuota: 5, expiresAt: null },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'after', description: 'd', allowedModels: ['m-9'], ipAllowlist: ['127.0.0.1'], rateLimitPerMinute: 10, monthlyQuota: 5, remainingQuota: 5 });
      const empty = await asAdmin(`${TOKENS}/${issued.id}`, { method: 'PATCH', json: {} });
      expect(empty.status).toBe(400);
      const unknownField = await asAdmin(`${TOKENS}/${issued.id}`, { method: 'PATCH', json: { token: 'mp_x' } });
      expect(unknownField.status).toBe(400);
    });

    it('filters the list by status and paginates', async () => {
      const tag = `filter-${Date.now()}`;
      const a = await issue({ name: `${tag}-a` });
      const b = await issue({ name: `${tag}-b` });
      const c = await issue({ name: `${tag}-c` });
      await asAdmin(`${TOKENS}/${b.id}/disable`, { method: 'POST' });
      await asAdmin(`${TOKENS}/${c.id}`, { method: 'DELETE' });
      const ids = async (query: string) => (await asAdmin(`${TOKENS}?search=${tag}&${query}`)).body.items.map((item: { id: string }) => item.id);
      expect(await ids('status=active')).toEqual([a.id]);
      expect(await ids('status=disabled')).toEqual([b.id]);
      expect(await ids('status=revoked')).toEqual([c.id]);
      const page = await asAdmin(`${TOKENS}?search=${tag}&limit=2&offset=0`);
      expect(page.body.total).toBe(3);
      expect(page.body.items).toHaveLength(2);
    });

    it('answers 404 TOKEN_NOT_FOUND for unknown ids on every route', async () => {
      const missing = `${TOKENS}/00000000-0000-0000-0000-000000000000`;
      const calls: Array<[string, string, unknown?]> = [
        ['GET', missing],
        ['PATCH', missing, { name: 'x' }],
        ['POST', `${missing}/disable`],
        ['POST', `${missing}/enable`],
        ['POST', `${missing}/rotate`],
        ['DELETE', missing],
        ['GET', `${TOKENS}/${'%27%20OR%201%3D1--'}`],
      ];
      for (const [method, path, json] of calls) {
        const res = await asAdmin(path, { method, json });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.error.code).toBe('TOKEN_NOT_FOUND');
      }
    });

    it('lets viewers read but not write (403 FORBIDDEN); operators may write', async () => {
      const issued = await issue({ name: 'role-check' });
      const viewer = await createUserAndLogin(t.url, admin, 'viewer');
      const asViewer = (path: string, init: Parameters<typeof request>[1] = {}) => request(`${t.url}${path}`, { ...init, headers: { 'X-Auth-Token': viewer.token } });
      expect((await asViewer(TOKENS)).status).toBe(200);
      expect((await asViewer(`${TOKENS}/${issued.id}`)).status).toBe(200);
      const writes: Array<[string, string, unknown?]> = [
        ['POST', TOKENS, { name: 'v', allowedModels: ['*'] }],
        ['PATCH', `${TOKENS}/${issued.id}`, { name: 'v' }],
        ['POST', `${TOKENS}/${issued.id}/disable`],
        ['POST', `${TOKENS}/${issued.id}/enable`],
        ['POST', `${TOKENS}/${issued.id}/rotate`],
        ['DELETE', `${TOKENS}/${issued.id}`],
      ];
      for (const [method, path, json] of writes) {
        const res = await asViewer(path, { method, json });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      expect((await asAdmin(`${TOKENS}/${issued.id}`)).body.status).toBe('active');

      const operator = await createUserAndLogin(t.url, admin, 'operator');
      const created = await request(`${t.url}${TOKENS}`, { method: 'POST', headers: { 'X-Auth-Token': operator.token }, json: { name: 'op', allowedModels: ['*'] } });
      expect(created.status).toBe(201);
      expect(created.body.createdBy).toBe(operator.user.id);
    });

    it('requires an internal session for the admin API', async () => {
      const issued = await issue();
      expect((await request(`${t.url}${TOKENS}`)).status).toBe(401);
      // An access token is not an admin credential.
      expect((await request(`${t.url}${TOKENS}`, { headers: { 'X-Access-Token': issued.token } })).status).toBe(401);
    });

    it('records every token change in the audit log', async () => {
      const issued = await issue({ name: 'audited' });
      await asAdmin(`${TOKENS}/${issued.id}/rotate`, { method: 'POST' });
      await asAdmin(`${TOKENS}/${issued.id}`, { method: 'DELETE' });
      const audit = await asAdmin('/api/v1/internal/audit?limit=100');
      expect(audit.status).toBe(200);
      const entries = audit.body.items as Array<{ action: string; target: string | null; outcome: string }>;
      const forToken = entries.filter((entry) => entry.target === issued.id);
      expect(forToken.map((entry) => entry.action).sort()).toEqual(['token.create', 'token.revoke', 'token.rotate']);
      expect(forToken.every((entry) => entry.outcome === 'success')).toBe(true);
      expect(JSON.stringify(audit.body)).not.toContain(issued.token);
    });
  });

  describe('the guard on external routes', () => {
    it('401 ACCESS_TOKEN_MISSING without a token, 401 ACCESS_TOKEN_INVALID for an unknown one', async () => {
      const missing = await listModels(undefined);
      expect([missing.status, missing.body.error.code]).toEqual([401, 'ACCESS_TOKEN_MISSING']);
      const invalid = await listModels(`mp_${'Z'.repeat(43)}`);
      expect([invalid.status, invalid.body.error.code]).toEqual([401, 'ACCESS_TOKEN_INVALID']);
      const garbage = await listModels('not a token at all');
      expect([garbage.status, garbage.body.error.code]).toEqual([401, 'ACCESS_TOKEN_INVALID']);
      const huge = await listModels('x'.repeat(8000));
      expect(huge.status).toBe(401);
    });

    it('accepts X-Access-Token and Authorization: Bearer', async () => {
      const issued = await issue();
      const viaHeader = await listModels(issued.token);
      expect(viaHeader.status).toBe(200);
      expect(viaHeader.body).toEqual({ items: [] });
      const viaBearer = await listModels(undefined, { Authorization: `Bearer ${issued.token}` });
      expect(viaBearer.status).toBe(200);
      const detail = await asAdmin(`${TOKENS}/${issued.id}`);
      expect(detail.body.lastUsedAt).toEqual(expect.any(String));
    });

    it('401 ACCESS_TOKEN_DISABLED, back to 200 on enable, at once', async () => {
      const issued = await issue();
      expect((await listModels(issued.token)).status).toBe(200);
      expect((await asAdmin(`${TOKENS}/${issued.id}/disable`, { method: 'POST' })).body.status).toBe('disabled');
      const disabled = await listModels(issued.token);
      expect([disabled.status, disabled.body.error.code]).toEqual([401, 'ACCESS_TOKEN_DISABLED']);
      expect((await asAdmin(`${TOKENS}/${issued.id}/enable`, { method: 'POST' })).body.status).toBe('active');
      expect((await listModels(issued.token)).status).toBe(200);
    });

    it('401 ACCESS_TOKEN_REVOKED after DELETE; revocation is permanent (409 TOKEN_REVOKED)', async () => {
      const issued = await issue();
      expect((await listModels(issued.token)).status).toBe(200);
      const revoked = await asAdmin(`${TOKENS}/${issued.id}`, { method: 'DELETE' });
      expect([revoked.status, revoked.body.status]).toEqual([200, 'revoked']);
      const refused = await listModels(issued.token);
      expect([refused.status, refused.body.error.code]).toEqual([401, 'ACCESS_TOKEN_REVOKED']);
      for (const action of ['enable', 'disable', 'rotate']) {
        const res = await asAdmin(`${TOKENS}/${issued.id}/${action}`, { method: 'POST' });
        expect([res.status, res.body.error.code]).toEqual([409, 'TOKEN_REVOKED']);
      }
      expect((await asAdmin(`${TOKENS}/${issued.id}`)).body.status).toBe('revoked');
    });

    it('401 ACCESS_TOKEN_EXPIRED once expiresAt is patched into the past', async () => {
      const issued = await issue({ expiresAt: '2099-01-01T00:00:00Z' });
      expect((await listModels(issued.token)).status).toBe(200);
      const patched = await asAdmin(`${TOKENS}/${issued.id}`, { method: 'PATCH', json: { expiresAt: '2020-01-01T00:00:00Z' } });
      expect(patched.body.status).toBe('expired');
      const expired = await listModels(issued.token);
      expect([expired.status, expired.body.error.code]).toEqual([401, 'ACCESS_TOKEN_EXPIRED']);
      expect((await asAdmin(`${TOKENS}?status=expired&search=client`)).body.items.map((item: { id: string }) => item.id)).toContain(issued.id);
    });

    it('rotation: the old secret is refused at once, the new one works', async () => {
      const issued = await issue();
      expect((await listModels(issued.token)).status).toBe(200);
      const rotated = await asAdmin(`${TOKENS}/${issued.id}/rotate`, { method: 'POST' });
      expect(rotated.status).toBe(200);
      expect(rotated.body.token).toMatch(/^mp_/);
      expect(rotated.body.token).not.toBe(issued.token);
      expect(rotated.body.tokenPreview).not.toBe(issued.tokenPreview);
      const old = await listModels(issued.token);
      expect([old.status, old.body.error.code]).toEqual([401, 'ACCESS_TOKEN_INVALID']);
      expect((await listModels(rotated.body.token)).status).toBe(200);
      expect(JSON.stringify((await asAdmin(`${TOKENS}/${issued.id}`)).body)).not.toContain(rotated.body.token);
    });

    it('403 IP_NOT_ALLOWED when the allow-list excludes 127.0.0.1; 127.0.0.0/8 lets it in', async () => {
      const excluded = await issue({ ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
      const refused = await listModels(excluded.token);
      expect([refused.status, refused.body.error.code]).toEqual([403, 'IP_NOT_ALLOWED']);
      const included = await issue({ ipAllowlist: ['127.0.0.0/8'] });
      expect((await listModels(included.token)).status).toBe(200);
    });

    it('ignores a spoofed X-Forwarded-For when no proxy is trusted', async () => {
      const issued = await issue({ ipAllowlist: ['203.0.113.7'] });
      const spoofed = await listModels(issued.token, { 'X-Forwarded-For': '203.0.113.7', 'X-Real-IP': '203.0.113.7' });
      expect([spoofed.status, spoofed.body.error.code]).toEqual([403, 'IP_NOT_ALLOWED']);
    });

    it('403 MODEL_NOT_ALLOWED outside the allow-list, without leaking which models exist', async () => {
      const issued = await issue({ allowedModels: ['abc'] });
      const other = await request(`${t.url}/api/v1/models/xyz`, { headers: { 'X-Access-Token': issued.token } });
      expect([other.status, other.body.error.code]).toEqual([403, 'MODEL_NOT_ALLOWED']);
      const listed = await request(`${t.url}/api/v1/models/abc`, { headers: { 'X-Access-Token': issued.token } });
      expect([listed.status, listed.body.error.code]).toEqual([404, 'MODEL_NOT_FOUND']);
      const wildcard = await issue({ allowedModels: ['*'] });
      const unknown = await request(`${t.url}/api/v1/models/xyz`, { headers: { 'X-Access-Token': wildcard.token } });
      expect([unknown.status, unknown.body.error.code]).toEqual([404, 'MODEL_NOT_FOUND']);
    });

    it('429 RATE_LIMITED with Retry-After on the third call at 2 per minute', async () => {
      const issued = await issue({ rateLimitPerMinute: 2 });
      expect((await listModels(issued.token)).status).toBe(200);
      expect((await listModels(issued.token)).status).toBe(200);
      const limited = await listModels(issued.token);
      expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Raising the limit takes effect on the next request.
      await asAdmin(`${TOKENS}/${issued.id}`, { method: 'PATCH', json: { rateLimitPerMinute: 100 } });
      expect((await listModels(issued.token)).status).toBe(200);
    });

    it('does not count listing calls against the monthly quota', async () => {
      const issued = await issue({ monthlyQuota: 1 });
      for (let i = 0; i < 3; i++) expect((await listModels(issued.token)).status).toBe(200);
      expect((await asAdmin(`${TOKENS}/${issued.id}`)).body).toMatchObject({ usedThisMonth: 0, remainingQuota: 1 });
    });
  });
});

describe('access tokens behind a trusted proxy', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1/32' });
    admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('matches the forwarded IPv6 client against IPv6 ranges', async () => {
    const created = await request(`${t.url}${TOKENS}`, {
      method: 'POST',
      headers: { 'X-Auth-Token': admin },
      json: { name: 'v6', allowedModels: ['*'], ipAllowlist: ['2001:db8::/32'] },
    });
    const call = (forwardedFor?: string) =>
      request(`${t.url}/api/v1/models`, { headers: { 'X-Access-Token': created.body.token, ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}) } });
    expect((await call('2001:db8::5')).status).toBe(200);
    expect((await call('198.51.100.1, 2001:db8::5')).status).toBe(200);
    const outside = await call('2001:db9::5');
    expect([outside.status, outside.body.error.code]).toEqual([403, 'IP_NOT_ALLOWED']);
    // Without the header the proxy itself (127.0.0.1) is the client.
    expect((await call()).body.error.code).toBe('IP_NOT_ALLOWED');
  });
});
