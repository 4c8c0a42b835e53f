import AsyncLock from 'async-lock';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Logger } from '@nestjs/common';
import { msLeft, RateLimiterStore, SharedTokenBucket } from '../common/rate-limiter-store.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const WINDOW_MS = 60_000;

/**
 * Per-token token bucket: capacity = the per-minute limit, refilled continuously at limit/60 s.
 * Kept as its generic-cell-rate form (one "theoretical arrival time" per token) in the
 * RateLimiterStore, so the state lives in memory or in Redis alike and expires by itself once
 * the bucket is full again. A changed limit starts a fresh bucket. Reading and writing a token's
 * state is one step per token in this process (a keyed lock), so concurrent requests never both
 * take the last slot. When the store offers a shared bucket (Redis), the same arithmetic runs there
 * as one atomic step, so the limit is exact across replicas; while that store is unreachable each
 * replica falls back to its own bucket.
 */
export class TokenRateLimiter {
  private readonly limiters = new Map<number, RateLimiterAbstract>();
  private readonly perToken = new AsyncLock({ maxPending: Number.POSITIVE_INFINITY });
  private readonly shared: SharedTokenBucket | null;
  private sharedDown = false;

  constructor(private readonly store: RateLimiterStore) {
    this.shared = store.sharedTokenBucket();
  }

  async take(tokenId: string, limitPerMinute: number, nowMs: number): Promise<RateDecision> {
    if (this.shared) {
      try {
        const waitMs = await this.shared.take(`token:${tokenId}`, limitPerMinute, nowMs);
        this.sharedDown = false;
        return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true };
      } catch (error) {
        if (!this.sharedDown) new Logger('TokenRateLimiter').warn({ msg: 'Shared rate limit store unreachable; limiting per replica until it is back', error: (error as Error).message });
        this.sharedDown = true;
      }
    }
    return this.perToken.acquire(tokenId, () => this.takeNow(tokenId, limitPerMinute, nowMs));
  }

  private async takeNow(tokenId: string, limitPerMinute: number, nowMs: number): Promise<RateDecision> {
    const limiter = this.limiterFor(limitPerMinute);
    const intervalMs = WINDOW_MS / limitPerMinute;
    const burstMs = WINDOW_MS - intervalMs;
    const stored = await limiter.get(tokenId);
    const arrival = msLeft(stored) > 0 ? Math.max(stored!.consumedPoints, nowMs) : nowMs;
    const waitMs = arrival - burstMs - nowMs;
    if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    const next = arrival + intervalMs;
    // The record can go once the bucket would be full again.
    await limiter.set(tokenId, next, Math.max(1, Math.ceil((next - nowMs) / 1000)));
    return { allowed: true };
  }

  async forget(tokenId: string): Promise<void> {
    await Promise.all([...this.limiters.values()].map((limiter) => limiter.delete(tokenId)));
    await this.shared?.forget(`token:${tokenId}`).catch(() => undefined);
  }

  private limiterFor(limitPerMinute: number): RateLimiterAbstract {
    let limiter = this.limiters.get(limitPerMinute);
    if (!limiter) {
      limiter = this.store.create({ keyPrefix: `token-rate-${limitPerMinute}`, points: limitPerMinute, durationSeconds: WINDOW_MS / 1000 });
      this.limiters.set(limitPerMinute, limiter);
    }
    return limiter;
  }
}
