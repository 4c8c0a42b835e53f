import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LimiterOptions, RateLimiterStore, SharedTokenBucket } from '../common/rate-limiter-store.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisTokenBucket } from './redis-token-bucket.js';

/**
 * Counters in Redis, shared by every replica (rate-limiter-flexible's atomic Lua scripts), under
 * `<REDIS_PREFIX>:rl:<limiter>`. While Redis is unreachable each replica counts in memory
 * (the insurance limiter), so requests are still limited, per replica, rather than failing.
 */
export class RedisRateLimiterStore extends RateLimiterStore {
  private readonly bucket: RedisTokenBucket;

  constructor(private readonly redis: RedisConnection) {
    super();
    this.bucket = new RedisTokenBucket(redis);
  }

  override sharedTokenBucket(): SharedTokenBucket {
    return this.bucket;
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
