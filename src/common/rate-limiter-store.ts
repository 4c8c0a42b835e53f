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

@Injectable()
export class MemoryRateLimiterStore extends RateLimiterStore {
  create(options: LimiterOptions): RateLimiterAbstract {
    return new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds });
  }
}

/** Milliseconds until the key's window ends, or 0 when it holds nothing (an expired record not yet swept counts as nothing). */
export function msLeft(result: { msBeforeNext: number } | null): number {
  return result && result.msBeforeNext > 0 ? result.msBeforeNext : 0;
}
