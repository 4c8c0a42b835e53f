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
