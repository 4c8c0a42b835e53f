import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LimiterOptions, RateLimiterStore } from '../common/rate-limiter-store.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * Counters in Redis, shared by every replica (rate-limiter-flexible's atomic Lua scripts), under
 * `<REDIS_PREFIX>:rl:<limiter>`. While Redis is unreachable each replica counts in memory
 * (the insurance limiter), so requests are still limited, per replica, rather than failing.
 */
export class RedisRateLimiterStore extends RateLimiterStore {
  constructor(private readonly redis: RedisConnection) {
    super();
  }

  create(options: LimiterOptions): RateLimiterAbstract {
    return new RateLimiterRedis({
      storeClient: this.redis.commands,
      keyPrefix: this.redis.key(`rl:${options.keyPrefix}`),
      points: options.points,
      duration: options.durationSeconds,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds }),
    });
  }
}
