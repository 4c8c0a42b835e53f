/**
 * The server side of the web console: static serving with security headers, the HttpOnly refresh
 * cookie, the forced change of a generated first-admin password, the sample model and Try it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../src/app.factory.js';
import { auditEntryResponseSchema } from '../../src/audit/audit.schema.js';
import { authUserSchema, sessionResponseSchema } from '../../src/auth/auth.dto.js';
import { inferenceResponseSchema } from '../../src/inference/inference-response.schema.js';
import { modelStatsResponseSchema } from '../../src/metrics/model-stats.schema.js';
import { modelResponseSchema } from '../../src/models/model-view.schema.js';
import { engineResponseSchema, systemInfoResponseSchema, systemSeriesResponseSchema } from '../../src/system/system.schema.js';
import { accessTokenResponseSchema, issuedAccessTokenResponseSchema } from '../../src/tokens/token.schema.js';
import { userResponseSchema } from '../../src/users/users.schema.js';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { WarnCapture } from '../helpers/warn-capture.js';
import { makeDataDir, request, TEST_ADMIN, TEST_JWT_SECRET } from '../helpers/test-app.js';
import { chelseaPng, coffeePng, imageForm, infer, issueAccessToken } from '../serving/serving-helpers.js';

const AUTH = '/api/v1/internal/auth';
const MODELS = '/api/v1/internal/models';
const HTML = 'text/html,application/xhtml+xml';

async function boot(env: Record<string, string>, consoleDir: string, logger?: LoggerService): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createApp({ env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: TEST_JWT_SECRET, ADMIN_USERNAME: TEST_ADMIN.username, ...env }, consoleDir, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

/** The refresh cookie's value from a Set-Cookie header, with its attributes. */
function refreshCookieOf(headers: Headers): { value: string; attributes: string } | undefined {
  const line = headers.getSetCookie().find((cookie) => cookie.startsWith('modelport_refresh='));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';');
  return { value: pair.slice('modelport_refresh='.length), attributes: attributes.join(';').trim() };
}

describe('console server side', () => {
  let work: string;
  let dataDir: string;
  let app: NestFastifyApplication;
  let url: string;
  let admin: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'console-e2e-'));
    mkdirSync(join(work, 'console', 'assets'), { recursive: true });
    writeFileSync(join(work, 'console', 'index.html'), '<!doctype html><title>Modelport</title><div id="root"></div><script type="module" src="/assets/app-abc123.js"></script>');
    writeFileSync(join(work, 'console', 'assets', 'app-abc123.js'), 'console.log("app")');
    dataDir = makeDataDir();
    ({ app, url } = await boot({ DATA_DIR: dataDir, ADMIN_PASSWORD: TEST_ADMIN.password }, join(work, 'console')));
    admin = await loginAs(url, TEST_ADMIN.username, TEST_ADMIN.password);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  describe('static console', () => {
    it('serves index.html at / and for client-side routes, with a strict CSP and the other security headers', async () => {
      for (const path of ['/', '/models', '/models/some-id/try', '/tokens?page=2']) {
        const res = await fetch(`${url}${path}`, { headers: { accept: HTML } });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await res.text()).toContain('<div id="root">');
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('cache-control')).toBe('no-cache');
      }
    });

    it('serves hashed assets as immutable files', async () => {
      const res = await fetch(`${url}/assets/app-abc123.js`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('leaves the API, /docs, /metrics and /health their meaning: unknown API paths stay JSON 404s', async () => {
      expect((await request(`${url}/v2/models/missing/unknown`)).status).toBe(404);
      for (const path of ['/api/v1/nothing-here', '/api/v1/internal/nope']) {
        const res = await request(`${url}${path}`);
        expect(res.status, path).toBe(404);
        expect(res.body.error.code, path).toMatch(/NOT_FOUND/);
      }
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const docs = await fetch(`${url}/docs-json`);
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-security-policy')).toBeNull();
      expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
      // A program that does not ask for HTML gets the API's 404, not the app.
      expect((await request(`${url}/models`)).body.error.code).toBe('NOT_FOUND');
    });

    it('refuses hostile paths: traversal never leaves the console directory', async () => {
      for (const path of ['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd']) {
        const res = await fetch(`${url}${path}`, { headers: { accept: HTML } });
        const text = await res.text();
        expect(text, path).not.toContain('"dependencies"');
        expect(text, path).not.toContain('root:');
      }
    });
  });

  describe('refresh cookie', () => {
    it('is issued only when asked for at login: HttpOnly, SameSite=Strict, scoped to the refresh route, and kept out of the body', async () => {
      const plain = await request(`${url}${AUTH}/login`, { method: 'POST', json: TEST_ADMIN });
      expect(plain.body.refreshToken).toEqual(expect.any(String));
      expect(refreshCookieOf(plain.headers)).toBeUndefined();

      const login = await request(`${url}${AUTH}/login`, { method: 'POST', json: { ...TEST_ADMIN, refreshCookie: true } });
      expect(login.status).toBe(200);
      expect(login.body.refreshToken).toBeUndefined();
      expect(login.body.accessToken).toEqual(expect.any(String));
      const cookie = refreshCookieOf(login.headers);
      expect(cookie?.value).toMatch(/^[\w-]{40,}$/);
      expect(cookie?.attributes).toMatch(/HttpOnly/i);
      expect(cookie?.attributes).toMatch(/SameSite=Strict/i);
      expect(cookie?.attributes).toMatch(/Path=\/api\/v1\/internal\/auth\/refresh/);
      // The only readable cookie is a marker that carries nothing secret.
      const marker = login.headers.getSetCookie().find((line) => line.startsWith('modelport_session='));
      expect(marker).toMatch(/^modelport_session=1;/);
      expect(marker).not.toMatch(/HttpOnly/i);
    });

    it('refreshes from the cookie, rotates it, and detects reuse of an old cookie exactly as for body tokens', async () => {
      const login = await request(`${url}${AUTH}/login`, { method: 'POST', json: { ...TEST_ADMIN, refreshCookie: true } });
      const first = refreshCookieOf(login.headers)!.value;
      const refreshed = await request(`${url}${AUTH}/refresh`, { method: 'POST', headers: { cookie: `modelport_refresh=${first}` } });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refreshToken).toBeUndefined();
      const second = refreshCookieOf(refreshed.headers)!.value;
      expect(second).not.toBe(first);
      expect((await request(`${url}${AUTH}/me`, { headers: { 'X-Auth-Token': refreshed.body.accessToken } })).body.username).toBe(TEST_ADMIN.username);

      const reused = await request(`${url}${AUTH}/refresh`, { method: 'POST', headers: { cookie: `modelport_refresh=${first}` } });
      expect(reused.status).toBe(401);
      expect(reused.body.error.code).toBe('REFRESH_TOKEN_REUSED');
      expect(refreshCookieOf(reused.headers)?.value).toBe('');
      // The whole family is gone, the newer cookie included.
      const afterReuse = await request(`${url}${AUTH}/refresh`, { method: 'POST', headers: { cookie: `modelport_refresh=${second}` } });
      expect(afterReuse.body.error.code).toBe('REFRESH_TOKEN_REVOKED');
    });

    it('refuses a refresh with neither body nor cookie, and a garbage cookie', async () => {
      const none = await request(`${url}${AUTH}/refresh`, { method: 'POST' });
      expect(none.status).toBe(400);
      const garbage = await request(`${url}${AUTH}/refresh`, { method: 'POST', headers: { cookie: 'modelport_refresh=%00%ff; other=1' } });
      expect(garbage.status).toBe(401);
      expect(garbage.body.error.code).toBe('REFRESH_TOKEN_INVALID');
    });

    it('logout clears the cookie and ends the login', async () => {
      const login = await request(`${url}${AUTH}/login`, { method: 'POST', json: { ...TEST_ADMIN, refreshCookie: true } });
      const cookie = refreshCookieOf(login.headers)!.value;
      const logout = await request(`${url}${AUTH}/logout`, { method: 'POST', headers: { 'X-Auth-Token': login.body.accessToken } });
      expect(logout.status).toBe(204);
      const cleared = refreshCookieOf(logout.headers);
      expect(cleared?.value).toBe('');
      expect(cleared?.attributes).toMatch(/Path=\/api\/v1\/internal\/auth\/refresh/);
      const after = await request(`${url}${AUTH}/refresh`, { method: 'POST', headers: { cookie: `modelport_refresh=${cookie}` } });
      expect(after.status).toBe(401);
      admin = await loginAs(url, TEST_ADMIN.username, TEST_ADMIN.password);
    });
  });

  describe('sample model and Try it', () => {
    let sampleId: string;

    it('installs the shipped sample detector, validated and configured, once', async () => {
      const res = await request(`${url}${MODELS}/sample`, { method: 'POST', headers: { 'X-Auth-Token': admin } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ name: 'sample-object-detector', status: 'validated', engine: 'tensorflow', format: 'tfjs', config: { task: 'detection' } });
      expect(res.body.signature.outputs.map((output: { name: string }) => output.name)).toContain('tower_0/detections');
      sampleId = res.body.id;
      const again = await request(`${url}${MODELS}/sample`, { method: 'POST', headers: { 'X-Auth-Token': admin } });
      expect(again.status).toBe(409);
      const viewer = await createUserAndLogin(url, admin, 'viewer');
      expect((await request(`${url}${MODELS}/sample`, { method: 'POST', headers: { 'X-Auth-Token': viewer.token } })).status).toBe(403);
      const deployed = await request(`${url}${MODELS}/${sampleId}/deploy`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: {} });
      expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    }, 300_000);

    it('Try it finds the cat and the cup, in original-image pixels, with the same answer as the external route', async () => {
      const cat = await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: imageForm([chelseaPng()]) });
      expect(cat.status, JSON.stringify(cat.body)).toBe(200);
      const [top] = cat.body.results[0].detections;
      expect(top.label).toBe('cat');
      // chelsea.png is 451×300: the box lies inside it.
      expect(top.box.x + top.box.width).toBeLessThanOrEqual(451);
      expect(top.box.y + top.box.height).toBeLessThanOrEqual(300);
      expect(top.box.width).toBeGreaterThan(200);

      const cup = await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: imageForm([coffeePng()], { scoreThreshold: '0.4' }) });
      expect(cup.body.results[0].detections[0].label).toBe('cup');

      const token = await issueAccessToken(url, admin);
      const external = await infer(url, token, sampleId, { body: imageForm([chelseaPng()]) });
      expect(external.status).toBe(200);
      expect(external.body.results).toEqual(cat.body.results);
      expect(Object.keys(cat.body.timing).sort()).toEqual(Object.keys(external.body.timing).sort());
    }, 300_000);

    it('is for operators and admins, audited, and counts against no access token', async () => {
      const viewer = await createUserAndLogin(url, admin, 'viewer');
      const refused = await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', headers: { 'X-Auth-Token': viewer.token }, body: imageForm([chelseaPng()]) });
      expect(refused.status).toBe(403);
      const operator = await createUserAndLogin(url, admin, 'operator');
      const ok = await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', headers: { 'X-Auth-Token': operator.token }, body: imageForm([coffeePng()]) });
      expect(ok.status).toBe(200);
      const noAuth = await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', body: imageForm([coffeePng()]) });
      expect(noAuth.status).toBe(401);
      const withOnlyAccessToken = await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', headers: { 'X-Access-Token': await issueAccessToken(url, admin) }, body: imageForm([coffeePng()]) });
      expect(withOnlyAccessToken.status).toBe(401);

      const audit = await request(`${url}/api/v1/internal/audit?action=model.infer&actor=${operator.user.username}`, { headers: { 'X-Auth-Token': admin } });
      expect(audit.body.items).toEqual([expect.objectContaining({ action: 'model.infer', outcome: 'success' })]);
      const tokens = await request(`${url}/api/v1/internal/tokens`, { headers: { 'X-Auth-Token': admin } });
      const used = tokens.body.items.filter((item: { usage?: { thisMonth?: number }; usedThisMonth?: number }) => JSON.stringify(item).includes('"lastUsedAt":"'));
      // Only the token used on the external route above has ever been used.
      expect(used).toHaveLength(1);
    }, 300_000);

    it('documents the real responses: each OpenAPI response schema parses what the route answers', async () => {
      const get = async (path: string) => (await request(`${url}${path}`, { headers: { 'X-Auth-Token': admin } })).body;
      const checks: Array<[string, z.ZodType, unknown]> = [
        ['model', modelResponseSchema, await get(`${MODELS}/${sampleId}`)],
        ['model list', z.object({ items: z.array(modelResponseSchema), total: z.number() }), await get(MODELS)],
        ['stats', modelStatsResponseSchema, await get(`${MODELS}/${sampleId}/stats`)],
        ['system info', systemInfoResponseSchema, await get('/api/v1/internal/system/info')],
        ['system series', systemSeriesResponseSchema, await get('/api/v1/internal/system/metrics')],
        ['engines', z.object({ items: z.array(engineResponseSchema) }), await get('/api/v1/internal/system/engines')],
        ['audit', z.object({ items: z.array(auditEntryResponseSchema), total: z.number() }), await get('/api/v1/internal/audit?limit=500')],
        ['users', z.object({ items: z.array(userResponseSchema), total: z.number() }), await get('/api/v1/internal/users')],
        ['tokens', z.object({ items: z.array(accessTokenResponseSchema), total: z.number() }), await get('/api/v1/internal/tokens')],
        ['me', authUserSchema, await get(`${AUTH}/me`)],
        ['session', sessionResponseSchema, (await request(`${url}${AUTH}/login`, { method: 'POST', json: TEST_ADMIN })).body],
        ['issued token', issuedAccessTokenResponseSchema, (await request(`${url}/api/v1/internal/tokens`, { method: 'POST', headers: { 'X-Auth-Token': admin }, json: { name: 'schema-check', allowedModels: ['*'] } })).body],
        ['inference', inferenceResponseSchema, (await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: imageForm([chelseaPng()]) })).body],
      ];
      for (const [name, schema, body] of checks) {
        const result = schema.safeParse(body);
        expect(result.success ? [] : result.error.issues, name).toEqual([]);
      }
    }, 300_000);

    it('answers hostile input with clear 4xx errors', async () => {
      const notImage = await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: imageForm([Buffer.from('not an image')]) });
      expect(notImage.status).toBe(400);
      expect(notImage.body.error.code).toEqual(expect.any(String));
      const unknown = await request(`${url}${MODELS}/no-such-model/infer`, { method: 'POST', headers: { 'X-Auth-Token': admin }, body: imageForm([coffeePng()]) });
      expect(unknown.status).toBe(404);
      const badJson = await request(`${url}${MODELS}/${sampleId}/infer`, { method: 'POST', headers: { 'X-Auth-Token': admin, 'content-type': 'application/json' }, body: '{"image":' });
      expect(badJson.status).toBe(400);
    });
  });
});

describe('a generated first-admin password must be changed first', () => {
  it('allows only me, password change and logout until the password is changed', async () => {
    const dataDir = makeDataDir();
    const logger = new WarnCapture();
    const { app, url } = await boot({ DATA_DIR: dataDir, ADMIN_PASSWORD: '' }, join(dataDir, 'no-console'), logger);
    try {
      const generated = logger.generatedPassword();
      const login = await request(`${url}${AUTH}/login`, { method: 'POST', json: { username: TEST_ADMIN.username, password: generated } });
      expect(login.status).toBe(200);
      expect(login.body.user.passwordChangeRequired).toBe(true);
      const token = login.body.accessToken;
      const me = await request(`${url}${AUTH}/me`, { headers: { 'X-Auth-Token': token } });
      expect(me.body).toMatchObject({ username: TEST_ADMIN.username, passwordChangeRequired: true });
      for (const path of [MODELS, '/api/v1/internal/users', '/api/v1/internal/tokens']) {
        const refused = await request(`${url}${path}`, { headers: { 'X-Auth-Token': token } });
        expect(refused.status, path).toBe(403);
        expect(refused.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
      }
      const changed = await request(`${url}${AUTH}/password`, { method: 'POST', headers: { 'X-Auth-Token': token }, json: { currentPassword: generated, newPassword: 'my-own-password-1' } });
      expect(changed.status).toBe(200);
      expect(changed.body.user.passwordChangeRequired).toBeUndefined();
      expect((await request(`${url}${MODELS}`, { headers: { 'X-Auth-Token': changed.body.accessToken } })).status).toBe(200);
      const relogin = await request(`${url}${AUTH}/login`, { method: 'POST', json: { username: TEST_ADMIN.username, password: 'my-own-password-1' } });
      expect(relogin.body.user.passwordChangeRequired).toBeUndefined();
      // Without a console build the root says how to build it instead of a blank page.
      const root = await fetch(`${url}/`, { headers: { accept: HTML } });
      expect(root.status).toBe(503);
      expect(await root.text()).toContain('npm run build');
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a password set through ADMIN_PASSWORD needs no change', async () => {
    const dataDir = makeDataDir();
    const { app, url } = await boot({ DATA_DIR: dataDir, ADMIN_PASSWORD: TEST_ADMIN.password }, join(dataDir, 'no-console'));
    try {
      const login = await request(`${url}${AUTH}/login`, { method: 'POST', json: TEST_ADMIN });
      expect(login.body.user.passwordChangeRequired).toBeUndefined();
      expect((await request(`${url}${MODELS}`, { headers: { 'X-Auth-Token': login.body.accessToken } })).status).toBe(200);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
