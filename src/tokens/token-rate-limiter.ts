export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  limitPerMinute: number;
  tokens: number;
  updatedAtMs: number;
}

const WINDOW_MS = 60_000;
const MAX_BUCKETS = 100_000;

/**
 * Per-token token bucket, in memory: capacity = the per-minute limit, refilled continuously at
 * limit/60 s. O(1) memory per token whatever the limit. A changed limit starts a fresh bucket.
 */
export class TokenRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  take(tokenId: string, limitPerMinute: number, nowMs: number): RateDecision {
    let bucket = this.buckets.get(tokenId);
    if (!bucket || bucket.limitPerMinute !== limitPerMinute) {
      if (!bucket && this.buckets.size >= MAX_BUCKETS) this.pruneFull(nowMs);
      bucket = { limitPerMinute, tokens: limitPerMinute, updatedAtMs: nowMs };
      this.buckets.set(tokenId, bucket);
    }
    const refillPerMs = limitPerMinute / WINDOW_MS;
    const elapsed = Math.max(0, nowMs - bucket.updatedAtMs);
    bucket.tokens = Math.min(limitPerMinute, bucket.tokens + elapsed * refillPerMs);
    bucket.updatedAtMs = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) };
  }

  forget(tokenId: string): void {
    this.buckets.delete(tokenId);
  }

  // A bucket that has refilled completely carries no state worth keeping.
  private pruneFull(nowMs: number): void {
    for (const [tokenId, bucket] of this.buckets) {
      const refilled = bucket.tokens + (nowMs - bucket.updatedAtMs) * (bucket.limitPerMinute / WINDOW_MS);
      if (refilled >= bucket.limitPerMinute) this.buckets.delete(tokenId);
    }
  }
}
