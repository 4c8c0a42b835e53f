import { describe, expect, it } from 'vitest';
import { MemoryRateLimiterStore, SharedTokenBucket } from '../common/rate-limiter-store.js';
import { Clock } from '../common/clock.js';
import type { AccessTokenRepository, UsageIncrement } from './access-token.repository.js';
import { SharedUsageCounter } from './shared-usage-counter.js';
import { TokenRateLimiter } from './token-rate-limiter.js';
import { TokenUsageTracker } from './token-usage.tracker.js';

/** A shared store that can be switched off, as Redis going away. */
class SwitchableBucket implements SharedTokenBucket {
  up = true;
  takes = 0;
  async take(): Promise<number> {
    if (!this.up) throw new Error('Connection is closed.');
    this.takes++;
    return 0;
  }
  async forget(): Promise<void> {}
}

class StoreWithSharedBucket extends MemoryRateLimiterStore {
  constructor(readonly bucket: SwitchableBucket) {
    super();
  }
  override sharedTokenBucket(): SharedTokenBucket {
    return this.bucket;
  }
}

class UnreachableCounter extends SharedUsageCounter {
  async tryConsume(): Promise<boolean | null> {
    throw new Error('Connection is closed.');
  }
  async seed(): Promise<void> {}
  async refund(): Promise<boolean> {
    throw new Error('Connection is closed.');
  }
  async read(): Promise<Map<string, number>> {
    throw new Error('Connection is closed.');
  }
  async takeUnsaved(): Promise<number> {
    throw new Error('Connection is closed.');
  }
  async returnUnsaved(): Promise<void> {
    throw new Error('Connection is closed.');
  }
}

const rows = () => {
  const stored = new Map<string, number>();
  return {
    stored,
    async usageCounts(ids: readonly string[], month: string) {
      return new Map(ids.filter((id) => stored.has(`${id}|${month}`)).map((id) => [id, stored.get(`${id}|${month}`)!]));
    },
    async recordUsage(increments: readonly UsageIncrement[]) {
      for (const { tokenId, month, count } of increments) stored.set(`${tokenId}|${month}`, (stored.get(`${tokenId}|${month}`) ?? 0) + count);
    },
    isAvailable: () => true,
  };
};

describe('limits while the shared store is unreachable', () => {
  it('the rate limiter decides in its own bucket, with the same limit, and returns to the shared one', async () => {
    const bucket = new SwitchableBucket();
    const limiter = new TokenRateLimiter(new StoreWithSharedBucket(bucket));
    expect((await limiter.take('t', 2, 0)).allowed).toBe(true);
    expect(bucket.takes).toBe(1);
    bucket.up = false;
    expect((await limiter.take('t', 2, 0)).allowed).toBe(true);
    expect((await limiter.take('t', 2, 0)).allowed).toBe(true);
    expect(await limiter.take('t', 2, 0)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    bucket.up = true;
    expect((await limiter.take('t', 2, 0)).allowed).toBe(true);
    expect(bucket.takes).toBe(2);
  });

  it('the quota is counted in memory from the stored value, and the increments still reach the database', async () => {
    const repository = rows();
    repository.stored.set('t|2026-05', 8);
    const clock = { now: () => new Date('2026-05-10T00:00:00Z') } as Clock;
    const tracker = new TokenUsageTracker(repository as unknown as AccessTokenRepository, clock, new UnreachableCounter());
    expect(await tracker.tryConsume('t', 10)).toBe(true);
    expect(await tracker.tryConsume('t', 10)).toBe(true);
    expect(await tracker.tryConsume('t', 10)).toBe(false);
    tracker.refund('t', clock.now());
    await new Promise((resolve) => setImmediate(resolve));
    expect((await tracker.usedThisMonth(['t'])).get('t')).toBe(9);
    await tracker.flush();
    expect(repository.stored.get('t|2026-05')).toBe(9);
  });
});
