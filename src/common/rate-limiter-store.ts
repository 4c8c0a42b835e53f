import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LimiterOptions {
  /** Distinguishes this limiter's keys in a shared store. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/**
 * Where rate-limit counters live. In memory for one process; a Redis-backed store (rate-limiter-flexible's
 * RateLimiterRedis) can be provided in its place so several processes share the counts.
 */
export abstract class RateLimiterStore {
  abstract create(options: LimiterOptions): RateLimiterAbstract;

  /** A token bucket decided in one atomic step in a store shared by every replica; null keeps the bucket in this process. */
  sharedTokenBucket(): SharedTokenBucket | null {
    return null;
  }
}

/**
 * A generic-cell-rate bucket whose read-decide-write is one atomic step in the shared store, so
 * concurrent requests on different replicas never both take the last slot.
 */
export interface SharedTokenBucket {
  /** Takes a slot if there is one: 0 when admitted, else the milliseconds until one refills. Rejects when the store is unreachable. */
  take(key: string, limitPerMinute: number, nowMs: number): Promise<number>;
  forget(key: string): Promise<void>;
}

/**
 * rate-limiter-flexible's in-memory limiter prunes itself: every record carries a timer that
 * deletes it when its window ends, so what it holds is bounded by the keys seen within one
 * window, never by all keys ever seen.
 */
@Injectable()
export class MemoryRateLimiterStore extends RateLimiterStore {
  private readonly created: RateLimiterMemory[] = [];

  create(options: LimiterOptions): RateLimiterAbstract {
    const limiter = new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds });
    this.created.push(limiter);
    return limiter;
  }

  /** Records held right now across this store's limiters (reads the library's storage map, for tests and diagnostics). */
  heldKeys(): number {
    return this.created.reduce((total, limiter) => total + ((limiter as unknown as { _memoryStorage?: { _storage?: Map<string, unknown> } })._memoryStorage?._storage?.size ?? 0), 0);
  }
}

/** Milliseconds until the key's window ends, or 0 when it holds nothing (an expired record not yet swept counts as nothing). */
export function msLeft(result: { msBeforeNext: number } | null): number {
  return result && result.msBeforeNext > 0 ? result.msBeforeNext : 0;
}
