import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { JwtService } from '@nestjs/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { ConfigError, DEFAULT_JWT_SECRET } from '../../src/config/app-config.js';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { CapturingLogger } from '../helpers/capturing-logger.js';
import { makeDataDir, request, startTestApp, TEST_ADMIN, TEST_JWT_SECRET, TestApp } from '../helpers/test-app.js';

const AUTH = '/api/v1/internal/auth';

function signWithTestSecret(claims: Record<string, unknown>, secret = TEST_JWT_SECRET): Promise<string> {
  return new JwtService({ secret }).signAsync(claims, { issuer: 'modelport', audience: 'modelport-internal' });
}

/** The session key a real access token carries (its payload is readable by whoever holds it). */
function sessionKeyOf(accessToken: string): string {
  return (new JwtService().decode(accessToken) as { sid: string }).sid;
}

describe('internal auth over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Generous limit: this file makes many deliberate failures from one IP; throttling has its own app below.
    t = await startTestApp({ LOGIN_MAX_FAILURES: '100' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, json: unknown, token?: string) =>
    request(`${t.url}${AUTH}${path}`, { method: 'POST', json, headers: token ? { 'X-Auth-Token': token } : {} });

  describe('login', () => {
    it('returns a JWT, a refresh token, the lifetime and the user', async () => {
      const res = await post('/login', TEST_ADMIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.stringMatching(/^[\w-]{40,}$/),
        expiresIn: 900,
        user: { id: expect.any(String), username: 'admin', role: 'admin' },
      });
      const me = await request(`${t.url}${AUTH}/me`, { headers: { 'X-Auth-Token': res.body.accessToken } });
      expect(me.status).toBe(200);
      expect(me.body).toEqual(res.body.user);
    });

    it('answers a wrong password and an unknown user identically', async () => {
      const wrong = await post('/login', { username: 'admin', password: 'wrong-password' });
      const unknown = await post('/login', { username: 'ghost', password: 'wrong-password' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const strip = (body: { error: Record<string, unknown> }) => ({ ...body.error, requestId: undefined });
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    });

    it('rejects hostile bodies with 400 and never crashes', async () => {
      const cases: Array<[string, RequestInit & { json?: unknown }, string, number?]> = [
        ['missing fields', { json: {} }, 'VALIDATION_FAILED'],
        ['wrong types', { json: { username: 42, password: ['x'] } }, 'VALIDATION_FAILED'],
        ['array body', { json: [TEST_ADMIN] }, 'VALIDATION_FAILED'],
        ['null body', { json: null }, 'VALIDATION_FAILED'],
        // Past MAX_UNAUTHENTICATED_BODY_BYTES a stranger's body is refused before it is buffered.
        ['1 MB username', { json: { username: 'a'.repeat(1024 * 1024), password: 'x' } }, 'PAYLOAD_TOO_LARGE', 413],
        ['extra field', { json: { ...TEST_ADMIN, role: 'admin' } }, 'VALIDATION_FAILED'],
        ['not JSON', { body: '{"username":', headers: { 'content-type': 'application/json' } }, 'INVALID_JSON'],
        ['empty JSON body', { body: '', headers: { 'content-type': 'application/json' } }, 'INVALID_JSON'],
      ];
      for (const [name, init, code, status = 400] of cases) {
        const res = await request(`${t.url}${AUTH}/login`, { method: 'POST', ...init });
        expect([name, res.status, res.body?.error?.code]).toEqual([name, status, code]);
      }
      const polluted = await request(`${t.url}${AUTH}/login`, {
        method: 'POST',
        body: '{"username":"admin","password":"x","__proto__":{"isAdmin":true}}',
        headers: { 'content-type': 'application/json' },
      });
      expect(polluted.status).toBe(400);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      const validation = await post('/login', { username: 7 });
      expect(validation.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'username' }), expect.objectContaining({ field: 'password' })]));
      const wrongType = await request(`${t.url}${AUTH}/login`, { method: 'POST', body: 'username=admin', headers: { 'content-type': 'text/plain' } });
      expect(wrongType.status).toBeGreaterThanOrEqual(400);
      expect(wrongType.status).toBeLessThan(500);
    });
  });

  describe('access tokens', () => {
    it('401 AUTH_TOKEN_MISSING, AUTH_TOKEN_INVALID and AUTH_TOKEN_EXPIRED', async () => {
      const me = (token?: string) => request(`${t.url}${AUTH}/me`, { headers: token === undefined ? {} : { 'X-Auth-Token': token } });
      const admin = await post('/login', TEST_ADMIN);
      const id = admin.body.user.id;
      const now = Math.floor(Date.now() / 1000);

      expect((await me()).body.error.code).toBe('AUTH_TOKEN_MISSING');
      expect((await me()).status).toBe(401);
      for (const bad of ['garbage', `${admin.body.accessToken}x`, admin.body.refreshToken, await signWithTestSecret({ sub: id, role: 'admin', sv: 0 }, 'not-the-server-secret')]) {
        const res = await me(bad);
        expect([res.status, res.body.error.code]).toEqual([401, 'AUTH_TOKEN_INVALID']);
      }
      const sid = sessionKeyOf(admin.body.accessToken);
      const expired = await me(await signWithTestSecret({ sub: id, username: 'admin', role: 'admin', sv: 0, sid, iat: now - 3600, exp: now - 60 }));
      expect([expired.status, expired.body.error.code]).toEqual([401, 'AUTH_TOKEN_EXPIRED']);
      // The same claims, still valid, prove the expired one failed only for its age.
      const fresh = await me(await signWithTestSecret({ sub: id, username: 'admin', role: 'admin', sv: 0, sid, exp: now + 60 }));
      expect(fresh.status).toBe(200);
    });

    it('refuses a token signed with the server’s own secret when its session key is guessed, or its login has ended', async () => {
      const me = (token: string) => request(`${t.url}${AUTH}/me`, { headers: { 'X-Auth-Token': token } });
      const admin = await post('/login', TEST_ADMIN);
      const claims = { sub: admin.body.user.id, username: 'admin', role: 'admin', sv: 0, exp: Math.floor(Date.now() / 1000) + 60 };
      for (const sid of [undefined, '0', '1', admin.body.user.id, 'A'.repeat(43)]) {
        const res = await me(await signWithTestSecret({ ...claims, sid }));
        expect([res.status, res.body.error.code]).toEqual([401, 'AUTH_TOKEN_INVALID']);
      }
      expect((await me(admin.body.accessToken)).status).toBe(200);
      // Logging out of this login (its refresh token) voids its access token at once, not at expiry.
      const other = await post('/login', TEST_ADMIN);
      const out = await post('/logout', { refreshToken: admin.body.refreshToken }, admin.body.accessToken);
      expect(out.status).toBeLessThan(300);
      expect((await me(admin.body.accessToken)).status).toBe(401);
      expect((await me(other.body.accessToken)).status).toBe(200);
    });

    it('a token whose role claim says admin still gets only the database role', async () => {
      const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
      const { user, token } = await createUserAndLogin(t.url, admin, 'viewer');
      const forged = await signWithTestSecret({ sub: user.id, username: user.username, role: 'admin', sv: 0, sid: sessionKeyOf(token), exp: Math.floor(Date.now() / 1000) + 60 });
      const res = await request(`${t.url}/api/v1/internal/users`, { headers: { 'X-Auth-Token': forged } });
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    });
  });

  describe('refresh tokens', () => {
    it('rotate: each refresh gives a new working pair', async () => {
      const first = (await post('/login', TEST_ADMIN)).body;
      const second = await post('/refresh', { refreshToken: first.refreshToken });
      expect(second.status).toBe(200);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect(second.body.user).toEqual(first.user);
      const me = await request(`${t.url}${AUTH}/me`, { headers: { 'X-Auth-Token': second.body.accessToken } });
      expect(me.status).toBe(200);
      const third = await post('/refresh', { refreshToken: second.body.refreshToken });
      expect(third.status).toBe(200);
    });

    it('presenting a used token revokes the family: the newer token stops working too', async () => {
      const first = (await post('/login', TEST_ADMIN)).body;
      const unrelated = (await post('/login', TEST_ADMIN)).body;
      const second = (await post('/refresh', { refreshToken: first.refreshToken })).body;
      const reuse = await post('/refresh', { refreshToken: first.refreshToken });
      expect([reuse.status, reuse.body.error.code]).toEqual([401, 'REFRESH_TOKEN_REUSED']);
      const newer = await post('/refresh', { refreshToken: second.refreshToken });
      expect(newer.status).toBe(401);
      expect(newer.body.error.code).toBe('REFRESH_TOKEN_REVOKED');
      expect((await post('/refresh', { refreshToken: unrelated.refreshToken })).status).toBe(200);
    });

    it('rejects unknown tokens and bad bodies', async () => {
      const unknown = await post('/refresh', { refreshToken: 'x'.repeat(43) });
      expect([unknown.status, unknown.body.error.code]).toEqual([401, 'REFRESH_TOKEN_INVALID']);
      for (const body of [{}, { refreshToken: 5 }, ['a']]) {
        expect((await post('/refresh', body)).status).toBe(400);
      }
      // Larger than a stranger may send at all: refused before it is buffered.
      expect((await post('/refresh', { refreshToken: 'y'.repeat(100_000) })).status).toBe(413);
    });
  });

  describe('logout', () => {
    it('requires a session and revokes the presented refresh token’s family', async () => {
      const session = (await post('/login', TEST_ADMIN)).body;
      expect((await post('/logout', { refreshToken: session.refreshToken })).status).toBe(401);
      const res = await post('/logout', { refreshToken: session.refreshToken }, session.accessToken);
      expect(res.status).toBe(204);
      expect((await post('/refresh', { refreshToken: session.refreshToken })).body.error.code).toBe('REFRESH_TOKEN_REVOKED');
    });

    it('without a body ends every session of the caller, access tokens included', async () => {
      const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
      const { user, password } = await createUserAndLogin(t.url, admin, 'operator');
      const one = (await post('/login', { username: user.username, password })).body;
      const two = (await post('/login', { username: user.username, password })).body;
      const res = await request(`${t.url}${AUTH}/logout`, { method: 'POST', headers: { 'X-Auth-Token': one.accessToken } });
      expect(res.status).toBe(204);
      expect((await post('/refresh', { refreshToken: one.refreshToken })).status).toBe(401);
      expect((await post('/refresh', { refreshToken: two.refreshToken })).status).toBe(401);
      const me = await request(`${t.url}${AUTH}/me`, { headers: { 'X-Auth-Token': two.accessToken } });
      expect([me.status, me.body.error.code]).toEqual([401, 'AUTH_TOKEN_INVALID']);
      await expect(loginAs(t.url, user.username, password)).resolves.toEqual(expect.any(String));
    });
  });

  describe('own password change', () => {
    it('needs the current password and 8+ characters, then ends every older session and returns a new one', async () => {
      const admin = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
      const { user, password } = await createUserAndLogin(t.url, admin, 'viewer');
      const session = (await post('/login', { username: user.username, password })).body;

      const short = await post('/password', { currentPassword: password, newPassword: 'short' }, session.accessToken);
      expect([short.status, short.body.error.code, short.body.error.details[0].field]).toEqual([400, 'VALIDATION_FAILED', 'newPassword']);
      const wrong = await post('/password', { currentPassword: 'not-my-password', newPassword: 'a-new-password' }, session.accessToken);
      expect([wrong.status, wrong.body.error.code]).toEqual([400, 'INVALID_CURRENT_PASSWORD']);
      expect((await post('/password', { currentPassword: password, newPassword: 'a-new-password' })).status).toBe(401);

      const ok = await post('/password', { currentPassword: password, newPassword: 'a-new-password' }, session.accessToken);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, user: { id: user.id, username: user.username, role: 'viewer' } });
      const oldToken = await request(`${t.url}${AUTH}/me`, { headers: { 'X-Auth-Token': session.accessToken } });
      expect([oldToken.status, oldToken.body.error.code]).toEqual([401, 'AUTH_TOKEN_INVALID']);
      expect((await request(`${t.url}${AUTH}/me`, { headers: { 'X-Auth-Token': ok.body.accessToken } })).status).toBe(200);
      expect((await post('/refresh', { refreshToken: ok.body.refreshToken })).status).toBe(200);
      expect((await post('/login', { username: user.username, password })).status).toBe(401);
      expect((await post('/login', { username: user.username, password: 'a-new-password' })).status).toBe(200);
      expect((await post('/refresh', { refreshToken: session.refreshToken })).body.error.code).toBe('REFRESH_TOKEN_REVOKED');
    });
  });
});

describe('login throttling', () => {
  let t: TestApp;
  // Loopback is a trusted proxy here, so X-Forwarded-For gives each simulated client its own address.
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_SECONDS: '600', LOGIN_MAX_FAILURES_PER_ADDRESS: '8', TRUSTED_PROXIES: '127.0.0.1/32' });
  });
  afterAll(async () => {
    await t.close();
  });
  const loginFrom = (address: string, json: Record<string, unknown>) =>
    request(`${t.url}${AUTH}/login`, { method: 'POST', headers: { 'X-Forwarded-For': address }, json });

  it('the attacker gets 429 with Retry-After; the right password from another address still works, password change too', async () => {
    for (const username of ['admin', 'ADMIN', 'Admin']) {
      expect((await loginFrom('203.0.113.66', { username, password: `guess-${username}` })).status).toBe(401);
    }
    const blocked = await loginFrom('203.0.113.66', TEST_ADMIN);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Attempts while blocked are refused without counting, and hold back nobody else.
    for (let i = 0; i < 5; i++) expect((await loginFrom('203.0.113.66', { username: 'admin', password: 'more' })).status).toBe(429);

    for (const owner of ['198.51.100.10', '198.51.100.11']) {
      const login = await loginFrom(owner, TEST_ADMIN);
      expect(login.status).toBe(200);
      const changed = await request(`${t.url}${AUTH}/password`, {
        method: 'POST',
        headers: { 'X-Auth-Token': login.body.accessToken, 'X-Forwarded-For': owner },
        json: { currentPassword: TEST_ADMIN.password, newPassword: TEST_ADMIN.password },
      });
      expect(changed.status).toBe(200);
    }
  });

  it('an address spraying usernames is stopped for every username, other addresses are not', async () => {
    for (let i = 0; i < 8; i++) expect((await loginFrom('203.0.113.77', { username: `name-${i}`, password: 'x' })).status).toBe(401);
    expect((await loginFrom('203.0.113.77', TEST_ADMIN)).status).toBe(429);
    expect((await loginFrom('198.51.100.12', TEST_ADMIN)).status).toBe(200);
  });
});

describe('boot-time configuration and the first admin', () => {
  it('refuses a production boot with the default JWT secret, naming JWT_SECRET', async () => {
    const dataDir = makeDataDir();
    try {
      const error = await createApp({ env: { NODE_ENV: 'production', DATA_DIR: dataDir, JWT_SECRET: DEFAULT_JWT_SECRET, LOG_LEVEL: 'silent' } }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('JWT_SECRET');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('names PORT when it is not a number', async () => {
    const error = await createApp({ env: { PORT: 'abc', LOG_LEVEL: 'silent', DATA_DIR: makeDataDir() } }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/\bPORT\b/);
  });

  it('generates the first admin password, logs it exactly once, and never logs tokens or passwords otherwise', async () => {
    const dataDir = makeDataDir();
    const env = { NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: '', LOG_LEVEL: 'debug' };
    const firstLogger = new CapturingLogger();
    const first = await createApp({ env, logger: firstLogger });
    try {
      const warnings = firstLogger.lines.filter((line) => line.level === 'warn' && /generated/i.test(JSON.stringify(line.message)));
      expect(warnings).toHaveLength(1);
      const generated = (warnings[0].message as { generatedPassword: string }).generatedPassword;
      expect(generated.length).toBeGreaterThanOrEqual(20);
      expect(firstLogger.text().split(generated).length - 1).toBe(1);

      await first.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(first.getHttpServer().address() as { port: number }).port}`;
      const login = await request(`${url}${AUTH}/login`, { method: 'POST', json: { username: 'boss', password: generated } });
      expect(login.status).toBe(200);
      const refreshed = await request(`${url}${AUTH}/refresh`, { method: 'POST', json: { refreshToken: login.body.refreshToken } });
      expect(refreshed.status).toBe(200);
      await request(`${url}${AUTH}/password`, {
        method: 'POST',
        headers: { 'X-Auth-Token': refreshed.body.accessToken },
        json: { currentPassword: generated, newPassword: 'the-boss-new-password' },
      });
      await request(`${url}${AUTH}/login`, { method: 'POST', json: { username: 'boss', password: 'a-wrong-password' } });
      const logs = firstLogger.text();
      expect(logs.split(generated).length - 1).toBe(1);
      for (const secret of [login.body.accessToken, login.body.refreshToken, refreshed.body.accessToken, refreshed.body.refreshToken, 'the-boss-new-password', 'a-wrong-password']) {
        expect(logs).not.toContain(secret);
      }
    } finally {
      await first.close();
    }

    // A restart on the same data finds the admin and generates nothing.
    const secondLogger = new CapturingLogger();
    const second = await createApp({ env, logger: secondLogger });
    try {
      expect(secondLogger.lines.filter((line) => /generated/i.test(JSON.stringify(line.message)))).toHaveLength(0);
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
