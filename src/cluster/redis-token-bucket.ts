import type { SharedTokenBucket } from '../common/rate-limiter-store.js';
import type { RedisConnection } from './redis-connection.js';
import { withScripts } from './redis-scripts.js';

const WINDOW_MS = 60_000;

/** Token buckets in Redis under `<REDIS_PREFIX>:bucket:<key>`, each decided by one Lua script run. */
export class RedisTokenBucket implements SharedTokenBucket {
  constructor(private readonly redis: RedisConnection) {}

  take(key: string, limitPerMinute: number, nowMs: number): Promise<number> {
    const intervalMs = WINDOW_MS / limitPerMinute;
    return withScripts(this.redis.commands).modelportGcra(this.redis.key(`bucket:${key}`), nowMs, limitPerMinute, intervalMs, WINDOW_MS - intervalMs);
  }

  async forget(key: string): Promise<void> {
    await this.redis.commands.del(this.redis.key(`bucket:${key}`));
  }
}
