import { SharedUsageCounter } from '../tokens/shared-usage-counter.js';
import type { RedisConnection } from './redis-connection.js';
import { withScripts } from './redis-scripts.js';

/** A counter outlives its month by a few days, then Redis drops it by itself. */
const COUNTER_TTL_SECONDS = 40 * 24 * 3600;

/**
 * Monthly usage under `<REDIS_PREFIX>:usage:<month>:<tokenId>`, and beside it under `usage-saved:` how much of it
 * the database holds: check-and-count, refund and taking the unsaved part are each one Lua script run.
 */
export class RedisUsageCounter extends SharedUsageCounter {
  constructor(private readonly redis: RedisConnection) {
    super();
  }

  async tryConsume(tokenId: string, month: string, monthlyQuota: number | null): Promise<boolean | null> {
    const result = await withScripts(this.redis.commands).modelportQuotaConsume(this.key(tokenId, month), monthlyQuota ?? -1);
    return result < 0 ? null : result === 1;
  }

  async seed(tokenId: string, month: string, stored: number): Promise<void> {
    // The counter and its saved cursor start together at the stored value, or not at all.
    const keys = [this.key(tokenId, month), this.savedKey(tokenId, month)];
    if (await this.redis.commands.msetnx(keys[0], String(stored), keys[1], String(stored))) {
      await Promise.all(keys.map((key) => this.redis.commands.expire(key, COUNTER_TTL_SECONDS)));
    }
  }

  async takeUnsaved(tokenId: string, month: string): Promise<number> {
    return (await withScripts(this.redis.commands).modelportUsageTakeUnsaved(this.key(tokenId, month), this.savedKey(tokenId, month), COUNTER_TTL_SECONDS)) ?? 0;
  }

  async returnUnsaved(tokenId: string, month: string, count: number): Promise<void> {
    await this.redis.commands.decrby(this.savedKey(tokenId, month), count);
  }

  async refund(tokenId: string, month: string): Promise<boolean> {
    return (await withScripts(this.redis.commands).modelportQuotaRefund(this.key(tokenId, month))) >= 0;
  }

  async read(tokenIds: readonly string[], month: string): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    if (tokenIds.length === 0) return result;
    const values = await this.redis.commands.mget(...tokenIds.map((id) => this.key(id, month)));
    tokenIds.forEach((id, index) => {
      const value = values[index];
      if (value !== null && value !== undefined) result.set(id, Number(value));
    });
    return result;
  }

  private key(tokenId: string, month: string): string {
    return this.redis.key(`usage:${month}:${tokenId}`);
  }

  private savedKey(tokenId: string, month: string): string {
    return this.redis.key(`usage-saved:${month}:${tokenId}`);
  }
}
