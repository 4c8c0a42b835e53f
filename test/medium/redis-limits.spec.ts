import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisConnection } from '../../src/cluster/redis-connection.js';
import { RedisRateLimiterStore } from '../../src/cluster/redis-rate-limiter-store.js';
import { RedisUsageCounter } from '../../src/cluster/redis-usage-counter.js';
import { Clock } from '../../src/common/clock.js';
import type { AccessTokenRepository, UsageIncrement } from '../../src/tokens/access-token.repository.js';
import { TokenRateLimiter } from '../../src/tokens/token-rate-limiter.js';
import { TokenUsageTracker } from '../../src/tokens/token-usage.tracker.js';

const redisUrl = inject('redisUrl');
const NOW = new Date('2026-05-10T12:00:00.000Z');

class FixedClock extends Clock {
  override now(): Date {
    return new Date(NOW);
  }
}

/** The shared database's usage rows: every "replica" writes its increments here. */
class SharedUsageRows {
  readonly rows = new Map<string, number>();
  async usageCounts(tokenIds: readonly string[], month: string): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (const id of tokenIds) if (this.rows.has(`${id}|${month}`)) result.set(id, this.rows.get(`${id}|${month}`)!);
    return result;
  }
  async recordUsage(increments: readonly UsageIncrement[]): Promise<void> {
    for (const { tokenId, month, count } of increments) this.rows.set(`${tokenId}|${month}`, (this.rows.get(`${tokenId}|${month}`) ?? 0) + count);
  }
  isAvailable(): boolean {
    return true;
  }
}

/**
 * Three "replicas" (their own Redis connections, limiters and trackers) on one Redis prefix:
 * the shared token bucket and the monthly quota are exact however concurrent calls interleave.
 */
describe.skipIf(!redisUrl)('rate limits and quotas shared through Redis (medium)', () => {
  const prefix = `mp-test-${randomBytes(4).toString('hex')}`;
  let connections: RedisConnection[] = [];

  beforeAll(async () => {
    connections = Array.from({ length: 3 }, () => new RedisConnection(redisUrl!, prefix));
    await Promise.all(connections.map((connection) => connection.onModuleInit()));
  });

  afterAll(async () => {
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
  });

  it('a token allowed 30 a minute gets exactly 30 of 90 concurrent takes spread over three replicas, then refills at 1 per 2 s', async () => {
    const limiters = connections.map((connection) => new TokenRateLimiter(new RedisRateLimiterStore(connection)));
    const t0 = 1_000_000;
    const decisions = await Promise.all(Array.from({ length: 90 }, (_, index) => limiters[index % 3].take('tok-rate', 30, t0)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(30);
    expect(decisions.find((decision) => !decision.allowed)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect((await limiters[1].take('tok-rate', 30, t0 + 1_999)).allowed).toBe(false);
    expect((await limiters[2].take('tok-rate', 30, t0 + 2_000)).allowed).toBe(true);
    expect((await limiters[0].take('tok-rate', 30, t0 + 2_000)).allowed).toBe(false);
    // A changed limit starts a fresh bucket, as in memory.
    expect((await limiters[0].take('tok-rate', 31, t0 + 2_000)).allowed).toBe(true);
    await limiters[0].forget('tok-rate');
    const afterForget = await Promise.all(Array.from({ length: 31 }, (_, index) => limiters[index % 3].take('tok-rate', 30, t0 + 2_000)));
    expect(afterForget.filter((decision) => decision.allowed)).toHaveLength(30);
  });

  it('a monthly quota of 30 admits exactly 30 of 90 concurrent calls over three replicas; refunds give units back; the database ends exact', async () => {
    const rows = new SharedUsageRows();
    const month = '2026-05';
    // 4 uses were saved before this month's counter existed in Redis.
    rows.rows.set(`tok-quota|${month}`, 4);
    const trackers = connections.map((connection) => new TokenUsageTracker(rows as unknown as AccessTokenRepository, new FixedClock(), new RedisUsageCounter(connection)));
    const admitted = await Promise.all(Array.from({ length: 90 }, (_, index) => trackers[index % 3].tryConsume('tok-quota', 30)));
    expect(admitted.filter(Boolean)).toHaveLength(26);
    await Promise.all(trackers.map((tracker) => tracker.flush()));
    expect(rows.rows.get(`tok-quota|${month}`)).toBe(30);

    // Two admitted calls fail on replica B: their units come back, to Redis and to the database.
    trackers[1].refund('tok-quota', NOW);
    trackers[1].refund('tok-quota', NOW);
    expect(await waitUntil(async () => (await trackers[0].usedThisMonth(['tok-quota'])).get('tok-quota') === 28)).toBe(true);
    const again = await Promise.all(Array.from({ length: 6 }, (_, index) => trackers[index % 3].tryConsume('tok-quota', 30)));
    expect(again.filter(Boolean)).toHaveLength(2);
    await Promise.all(trackers.map((tracker) => tracker.flush()));
    expect(rows.rows.get(`tok-quota|${month}`)).toBe(30);
    expect((await trackers[2].usedThisMonth(['tok-quota', 'tok-unused'])).get('tok-unused')).toBe(0);
  });

  it('what a replica counted and never saved (killed before its flush) reaches the database through the next replica that counts', async () => {
    const rows = new SharedUsageRows();
    const month = '2026-05';
    const [killed, survivor] = connections.map((connection) => new TokenUsageTracker(rows as unknown as AccessTokenRepository, new FixedClock(), new RedisUsageCounter(connection)));
    const counted = await Promise.all(Array.from({ length: 5 }, () => killed.tryConsume('tok-killed', null)));
    expect(counted.every(Boolean)).toBe(true);
    // `killed` is dropped here without a flush, as kill -9 would; its 5 uses exist only in Redis.
    expect(rows.rows.get(`tok-killed|${month}`)).toBeUndefined();
    expect(await survivor.tryConsume('tok-killed', null)).toBe(true);
    await survivor.flush();
    expect(rows.rows.get(`tok-killed|${month}`)).toBe(6);
    // Taken once: a second flush, from either, adds nothing.
    await survivor.flush();
    await killed.flush();
    expect(rows.rows.get(`tok-killed|${month}`)).toBe(6);
  });

  it('a failed database write gives the unsaved part back, and the next flush saves it exactly once', async () => {
    const month = '2026-05';
    let failNext = true;
    const rows = new SharedUsageRows();
    const flaky = {
      usageCounts: rows.usageCounts.bind(rows),
      isAvailable: () => true,
      async recordUsage(increments: readonly UsageIncrement[]) {
        if (failNext) {
          failNext = false;
          throw new Error('database unavailable');
        }
        await rows.recordUsage(increments);
      },
    };
    const tracker = new TokenUsageTracker(flaky as unknown as AccessTokenRepository, new FixedClock(), new RedisUsageCounter(connections[0]));
    for (let use = 0; use < 3; use++) expect(await tracker.tryConsume('tok-retry', null)).toBe(true);
    await tracker.flush();
    expect(rows.rows.get(`tok-retry|${month}`)).toBeUndefined();
    await tracker.flush();
    expect(rows.rows.get(`tok-retry|${month}`)).toBe(3);
  });
});

/** Refunds settle asynchronously; wait for a condition by polling Redis, not the wall clock. */
async function waitUntil(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}
