import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { ConfigError, DEFAULT_JWT_SECRET } from '../../src/config/app-config.js';
import { CapturingLogger } from '../helpers/capturing-logger.js';
import { makeDataDir, request, TEST_ADMIN, TEST_JWT_SECRET } from '../helpers/test-app.js';

const AUTH = '/api/v1/internal/auth';

/** Everything an attacker can know: the secret once shipped in default.yaml, the test secret, any guess. */
const GUESSED_SECRETS = [DEFAULT_JWT_SECRET, TEST_JWT_SECRET, 'secret', 'changeme', ''.padEnd(48, 'a')];

function forge(secret: string, claims: Record<string, unknown>): Promise<string> {
  return new JwtService({ secret }).signAsync(claims, { algorithm: 'HS256', issuer: 'modelport', audience: 'modelport-internal', expiresIn: 600 });
}

async function boot(dataDir: string, logger: CapturingLogger, env: Record<string, string> = {}): Promise<{ app: NestFastifyApplication; url: string }> {
  // No JWT_SECRET at all, bound the way a careless install would be.
  const app = await createApp({
    env: { NODE_ENV: 'development', HOST: '0.0.0.0', LOG_LEVEL: 'info', DATA_DIR: dataDir, ADMIN_USERNAME: TEST_ADMIN.username, ADMIN_PASSWORD: TEST_ADMIN.password, ...env },
    logger,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

const generatedLines = (logger: CapturingLogger) => logger.lines.filter((line) => /generated a signing secret/i.test(JSON.stringify(line.message)));

describe('a server started without JWT_SECRET', () => {
  const dataDir = makeDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses tokens signed with any secret it did not generate, keeps its own across a restart, and says so once', async () => {
    const firstLogger = new CapturingLogger();
    const first = await boot(dataDir, firstLogger);
    let sessionToken: string;
    let secret: string;
    try {
      const secretFile = join(dataDir, 'jwt-secret');
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      secret = readFileSync(secretFile, 'utf8').trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(generatedLines(firstLogger)).toHaveLength(1);
      expect(generatedLines(firstLogger)[0].level).toBe('warn');
      expect(firstLogger.text()).not.toContain(secret);

      const login = await request(`${first.url}${AUTH}/login`, { method: 'POST', json: TEST_ADMIN });
      expect(login.status).toBe(200);
      sessionToken = login.body.accessToken;
      const adminId = login.body.user.id as string;

      // The forgery: a viewer knows the admin's id; every guessed secret must fail, on reads and on creating an admin.
      for (const guess of GUESSED_SECRETS) {
        const forged = await forge(guess, { sub: adminId, username: TEST_ADMIN.username, role: 'admin', sv: 0 });
        expect((await request(`${first.url}${AUTH}/me`, { headers: { 'X-Auth-Token': forged } })).status).toBe(401);
        const created = await request(`${first.url}/api/v1/internal/users`, {
          method: 'POST',
          headers: { 'X-Auth-Token': forged },
          json: { username: 'intruder', password: 'intruder-password', role: 'admin' },
        });
        expect(created.status).toBe(401);
      }
      expect((await request(`${first.url}${AUTH}/me`, { headers: { 'X-Auth-Token': sessionToken } })).status).toBe(200);
    } finally {
      await first.app.close();
    }

    const secondLogger = new CapturingLogger();
    const second = await boot(dataDir, secondLogger);
    try {
      expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim()).toBe(secret);
      expect(generatedLines(secondLogger)).toHaveLength(0);
      expect(secondLogger.text()).not.toContain(secret);
      // The session from before the restart still works; the stranger's account was never created.
      const me = await request(`${second.url}${AUTH}/me`, { headers: { 'X-Auth-Token': sessionToken } });
      expect(me.status).toBe(200);
      const users = await request(`${second.url}/api/v1/internal/users`, { headers: { 'X-Auth-Token': sessionToken } });
      expect(JSON.stringify(users.body)).not.toContain('intruder');
    } finally {
      await second.app.close();
    }
  });

  it('two installations never share a key', async () => {
    const otherDir = makeDataDir();
    try {
      const other = await boot(otherDir, new CapturingLogger());
      try {
        expect(readFileSync(join(otherDir, 'jwt-secret'), 'utf8')).not.toBe(readFileSync(join(dataDir, 'jwt-secret'), 'utf8'));
      } finally {
        await other.app.close();
      }
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses to boot in production without an explicit secret, and anywhere with the once-shipped default', async () => {
    const dir = makeDataDir();
    try {
      for (const env of [
        { NODE_ENV: 'production' },
        { NODE_ENV: 'production', JWT_SECRET: 'too-short' },
        { NODE_ENV: 'development', JWT_SECRET: DEFAULT_JWT_SECRET },
        { NODE_ENV: 'test', JWT_SECRET: DEFAULT_JWT_SECRET },
      ]) {
        const error = await createApp({ env: { DATA_DIR: dir, LOG_LEVEL: 'silent', ...env } }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error, JSON.stringify(env)).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toContain('JWT_SECRET');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
