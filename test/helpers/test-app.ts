import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp, type CreateAppOptions } from '../../src/app.factory.js';
import { createScratchPostgres, ScratchPostgres } from './test-databases.js';

export const TEST_ADMIN = { username: 'admin', password: 'admin-test-password-123' };
export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  dataDir: string;
  env: Record<string, string>;
  /** Closes the app; removes the data dir unless keepData (for restart tests). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'modelport-test-'));
}

/**
 * With E2E_POSTGRES_ADMIN_URL set (by hand: `E2E_POSTGRES_ADMIN_URL=postgres://postgres@127.0.0.1/postgres npx vitest run test/e2e`),
 * each data dir gets its own PostgreSQL database instead of its SQLite file, kept as long as the data dir.
 */
const postgresByDataDir = new Map<string, ScratchPostgres>();

async function postgresFor(dataDir: string): Promise<Record<string, string>> {
  const adminUrl = process.env.E2E_POSTGRES_ADMIN_URL;
  if (!adminUrl) return {};
  let scratch = postgresByDataDir.get(dataDir);
  if (!scratch) {
    scratch = await createScratchPostgres(adminUrl);
    postgresByDataDir.set(dataDir, scratch);
  }
  return { DATABASE_URL: scratch.url };
}

async function dropPostgresOf(dataDir: string): Promise<void> {
  const scratch = postgresByDataDir.get(dataDir);
  postgresByDataDir.delete(dataDir);
  await scratch?.drop();
}

/** Boots the real app (real SQLite file, real engines) on an ephemeral loopback port. */
export async function startTestApp(overrides: Record<string, string> = {}, dataDir = makeDataDir(), appOptions: Omit<CreateAppOptions, 'env'> = {}): Promise<TestApp> {
  const env: Record<string, string> = {
    ...(await postgresFor(dataDir)),
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_USERNAME: TEST_ADMIN.username,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    PORT: '0',
    ...overrides,
  };
  const app = await createApp({ ...appOptions, env });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    dataDir,
    env,
    async close(options = {}) {
      await app.close();
      if (!options.keepData) {
        rmSync(dataDir, { recursive: true, force: true });
        await dropPostgresOf(dataDir);
      }
    },
  };
}

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch + JSON parse; `body` is the parsed JSON or the raw text when it is not JSON. */
export async function request<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<JsonResponse<T>> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, { ...init, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}
