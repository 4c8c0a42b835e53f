import pg from 'pg';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL allowed to CREATE DATABASE, or null when none answered. */
    postgresAdminUrl: string | null;
    /** A Redis URL that answered PING, or null. */
    redisUrl: string | null;
  }
}

export const DEFAULT_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * Probes once per run for the PostgreSQL and Redis the medium and scale tiers use
 * (TEST_POSTGRES_URL, TEST_REDIS_URL; defaults are the local servers) and says in one line
 * each what is skipped without them.
 */
export default async function setup(project: TestProject): Promise<void> {
  const postgresUrl = process.env.TEST_POSTGRES_URL || DEFAULT_POSTGRES_ADMIN_URL;
  const redisUrl = process.env.TEST_REDIS_URL || DEFAULT_REDIS_URL;
  const [postgres, redis] = await Promise.all([postgresAnswers(postgresUrl), redisAnswers(redisUrl)]);
  project.provide('postgresAdminUrl', postgres ? postgresUrl : null);
  project.provide('redisUrl', redis ? redisUrl : null);
  if (!postgres) console.warn(`PostgreSQL not reachable at ${postgresUrl} (TEST_POSTGRES_URL): medium tier runs on SQLite only, scale tier skipped`);
  else if (!redis) console.warn(`Redis not reachable at ${redisUrl} (TEST_REDIS_URL): scale tier skipped (it needs PostgreSQL and Redis)`);
}
