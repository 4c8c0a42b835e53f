import { rmSync } from 'node:fs';
import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loginAs } from '../helpers/auth.js';
import { makeDataDir, request, TEST_ADMIN, TEST_JWT_SECRET } from '../helpers/test-app.js';

/** Keeps every line the app logs, at every level, as text. */
class CollectingLogger implements LoggerService {
  readonly lines: string[] = [];
  private keep(level: string, args: unknown[]): void {
    this.lines.push(`${level} ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg, (_key, value) => (value instanceof Error ? value.stack : value)))).join(' ')}`);
  }
  log(...args: unknown[]) { this.keep('log', args); }
  error(...args: unknown[]) { this.keep('error', args); }
  warn(...args: unknown[]) { this.keep('warn', args); }
  debug(...args: unknown[]) { this.keep('debug', args); }
  verbose(...args: unknown[]) { this.keep('verbose', args); }
  fatal(...args: unknown[]) { this.keep('fatal', args); }
}

describe('access token secrets stay out of logs and later responses', () => {
  const logger = new CollectingLogger();
  const dataDir = makeDataDir();
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    app = await createApp({
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'debug',
        DATA_DIR: dataDir,
        JWT_SECRET: TEST_JWT_SECRET,
        ADMIN_USERNAME: TEST_ADMIN.username,
        ADMIN_PASSWORD: TEST_ADMIN.password,
      },
      logger,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never logs a plaintext token, through its whole life', async () => {
    const admin = await loginAs(url, TEST_ADMIN.username, TEST_ADMIN.password);
    const headers = { 'X-Auth-Token': admin };
    const secrets: string[] = [];
    const created = await request(`${url}/api/v1/internal/tokens`, { method: 'POST', headers, json: { name: 'logged', allowedModels: ['m1'], rateLimitPerMinute: 2 } });
    expect(created.status).toBe(201);
    secrets.push(created.body.token);
    const id = created.body.id as string;

    // Successful and refused uses, through both headers, with the secret in odd places too
    // (the 403 is decided before the rate limit, so it spends no slot).
    expect((await request(`${url}/api/v1/models`, { headers: { 'X-Access-Token': secrets[0] } })).status).toBe(200);
    expect((await request(`${url}/api/v1/models/m2`, { headers: { Authorization: `Bearer ${secrets[0]}` } })).status).toBe(403);
    expect((await request(`${url}/api/v1/models?token=${secrets[0]}`, { headers: { 'X-Access-Token': secrets[0] } })).status).toBe(200);
    expect((await request(`${url}/api/v1/models`, { headers: { 'X-Access-Token': secrets[0] } })).status).toBe(429);

    const rotated = await request(`${url}/api/v1/internal/tokens/${id}/rotate`, { method: 'POST', headers });
    secrets.push(rotated.body.token);
    expect((await request(`${url}/api/v1/models`, { headers: { 'X-Access-Token': secrets[0] } })).status).toBe(401);
    // A body field holding a token is refused as unknown, and must not be echoed in logs either.
    expect((await request(`${url}/api/v1/internal/tokens/${id}`, { method: 'PATCH', headers, json: { token: secrets[1] } })).status).toBe(400);
    await request(`${url}/api/v1/internal/tokens/${id}`, { method: 'DELETE', headers });
    expect((await request(`${url}/api/v1/models`, { headers: { 'X-Access-Token': secrets[1] } })).status).toBe(401);

    const later = [
      await request(`${url}/api/v1/internal/tokens`, { headers }),
      await request(`${url}/api/v1/internal/tokens/${id}`, { headers }),
      await request(`${url}/api/v1/internal/audit?limit=200`, { headers }),
    ];
    expect(logger.lines.some((line) => line.includes('request'))).toBe(true);
    for (const secret of secrets) {
      const secretBody = secret.slice(3);
      for (const line of logger.lines) expect(line).not.toContain(secretBody);
      for (const response of later) expect(JSON.stringify(response.body)).not.toContain(secretBody);
    }
  });
});
