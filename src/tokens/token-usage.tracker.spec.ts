import { describe, expect, it } from 'vitest';
import { Clock } from '../common/clock.js';
import { AccessTokenRepository, UsageIncrement } from './access-token.repository.js';
import { TokenUsageTracker } from './token-usage.tracker.js';

/** Only the usage part of the repository; other calls are not used by the tracker. */
class UsageStore {
  readonly rows = new Map<string, number>();
  readonly lastUsed = new Map<string, string>();
  failNextWrite = false;
  reads = 0;

  async usageCounts(tokenIds: readonly string[], month: string): Promise<Map<string, number>> {
    this.reads++;
    const result = new Map<string, number>();
    for (const id of tokenIds) {
      const count = this.rows.get(`${id}|${month}`);
      if (count !== undefined) result.set(id, count);
    }
    return result;
  }

  async recordUsage(increments: readonly UsageIncrement[], lastUsed: ReadonlyMap<string, string>): Promise<void> {
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw new Error('database is locked');
    }
    for (const { tokenId, month, count } of increments) {
      const key = `${tokenId}|${month}`;
      this.rows.set(key, (this.rows.get(key) ?? 0) + count);
    }
    for (const [id, at] of lastUsed) this.lastUsed.set(id, at);
  }

  isAvailable(): boolean {
    return true;
  }
}

class FixedClock extends Clock {
  constructor(public current: Date) {
    super();
  }
  override now(): Date {
    return new Date(this.current);
  }
}

function tracker(store: UsageStore, clock: Clock): TokenUsageTracker {
  return new TokenUsageTracker(store as unknown as AccessTokenRepository, clock);
}

describe('TokenUsageTracker', () => {
  it('starts from the stored count and reads it once', async () => {
    const store = new UsageStore();
    store.rows.set('t|2026-05', 4);
    const usage = tracker(store, new FixedClock(new Date('2026-05-10T00:00:00Z')));
    expect(await usage.tryConsume('t', 5)).toBe(true);
    expect(await usage.tryConsume('t', 5)).toBe(false);
    expect((await usage.usedThisMonth(['t'])).get('t')).toBe(5);
    expect(store.reads).toBe(1);
  });

  it('writes increments in one batch and keeps them when the write fails', async () => {
    const store = new UsageStore();
    const usage = tracker(store, new FixedClock(new Date('2026-05-10T00:00:00Z')));
    await usage.tryConsume('a', null);
    await usage.tryConsume('a', null);
    usage.touch('a');
    store.failNextWrite = true;
    await usage.flush();
    expect(store.rows.size).toBe(0);
    await usage.tryConsume('a', null);
    await usage.flush();
    expect(store.rows.get('a|2026-05')).toBe(3);
    expect(store.lastUsed.get('a')).toBe('2026-05-10T00:00:00.000Z');
    await usage.flush();
    expect(store.rows.get('a|2026-05')).toBe(3);
  });

  it('counts a new month from zero', async () => {
    const store = new UsageStore();
    const clock = new FixedClock(new Date('2026-05-31T23:59:59Z'));
    const usage = tracker(store, clock);
    expect(await usage.tryConsume('a', 1)).toBe(true);
    expect(await usage.tryConsume('a', 1)).toBe(false);
    clock.current = new Date('2026-06-01T00:00:00Z');
    expect(await usage.tryConsume('a', 1)).toBe(true);
    await usage.flush();
    expect(store.rows.get('a|2026-05')).toBe(1);
    expect(store.rows.get('a|2026-06')).toBe(1);
  });

  it('a refund gives the unit back, in memory and in the stored count, before or after a flush', async () => {
    const store = new UsageStore();
    const now = new Date('2026-05-10T00:00:00Z');
    const usage = tracker(store, new FixedClock(now));
    expect(await usage.tryConsume('a', 2)).toBe(true);
    expect(await usage.tryConsume('a', 2)).toBe(true);
    expect(await usage.tryConsume('a', 2)).toBe(false);
    usage.refund('a', now);
    expect(await usage.tryConsume('a', 2)).toBe(true);
    await usage.flush();
    expect(store.rows.get('a|2026-05')).toBe(2);
    usage.refund('a', now);
    await usage.flush();
    expect(store.rows.get('a|2026-05')).toBe(1);
    expect((await usage.usedThisMonth(['a'])).get('a')).toBe(1);
  });

  it('never refunds below zero or for a token it never counted', async () => {
    const store = new UsageStore();
    const now = new Date('2026-05-10T00:00:00Z');
    const usage = tracker(store, new FixedClock(now));
    usage.refund('ghost', now);
    expect(await usage.tryConsume('a', null)).toBe(true);
    usage.refund('a', now);
    usage.refund('a', now);
    await usage.flush();
    expect(store.rows.get('a|2026-05') ?? 0).toBe(0);
    expect((await usage.usedThisMonth(['a'])).get('a')).toBe(0);
  });

  it('holds last uses only until they are saved, so the map does not grow with every token ever used', async () => {
    const store = new UsageStore();
    const clock = new FixedClock(new Date('2026-05-10T00:00:00Z'));
    const usage = tracker(store, clock);
    for (let i = 0; i < 1000; i++) usage.touch(`token-${i}`);
    expect(usage.unsavedLastUses).toBe(1000);
    expect(usage.lastUsedAt('token-7')).toBe('2026-05-10T00:00:00.000Z');
    await usage.flush();
    expect(usage.unsavedLastUses).toBe(0);
    expect(usage.lastUsedAt('token-7')).toBeUndefined();
    expect(store.lastUsed.get('token-7')).toBe('2026-05-10T00:00:00.000Z');

    // A use after the write began is newer than what was saved and stays until the next flush.
    clock.current = new Date('2026-05-10T00:00:05Z');
    store.failNextWrite = true;
    usage.touch('token-1');
    await usage.flush();
    expect(usage.lastUsedAt('token-1')).toBe('2026-05-10T00:00:05.000Z');
    await usage.flush();
    expect([usage.unsavedLastUses, store.lastUsed.get('token-1')]).toEqual([0, '2026-05-10T00:00:05.000Z']);
  });
});
