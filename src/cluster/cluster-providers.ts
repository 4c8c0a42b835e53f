import { Logger, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { MemoryRateLimiterStore, RateLimiterStore } from '../common/rate-limiter-store.js';
import { ClusterEvents, LocalClusterEvents } from './cluster-events.js';
import { PostgresClusterEvents } from './postgres-cluster-events.js';
import { RedisClusterEvents } from './redis-cluster-events.js';
import { RedisConnection } from './redis-connection.js';
import { RedisRateLimiterStore } from './redis-rate-limiter-store.js';
import { RedisUsageCounter } from './redis-usage-counter.js';
import { SharedUsageCounter } from '../tokens/shared-usage-counter.js';

/** The warning a PostgreSQL deployment without Redis logs once at boot. */
export const PER_REPLICA_LIMITS_WARNING =
  'DATABASE_URL is set but REDIS_URL is not: rate limits, monthly quotas and the login throttle count per replica (announcements between replicas go over PostgreSQL LISTEN/NOTIFY). Set REDIS_URL when running more than one replica.';

/**
 * What is shared between replicas comes from here: with REDIS_URL, Redis-backed rate limits, quotas
 * and pub/sub announcements; with DATABASE_URL alone, announcements over PostgreSQL LISTEN/NOTIFY
 * and limits per replica; with neither, process-local equivalents (one process, exactly as before).
 */
export function clusterProviders(config: AppConfig): Provider[] {
  const redisUrl = config.cluster.redisUrl;
  return [
    { provide: RedisConnection, useFactory: () => (redisUrl ? new RedisConnection(redisUrl, config.cluster.redisPrefix) : null) },
    {
      provide: RateLimiterStore,
      useFactory: (redis: RedisConnection | null) => (redis ? new RedisRateLimiterStore(redis) : new MemoryRateLimiterStore()),
      inject: [RedisConnection],
    },
    {
      provide: SharedUsageCounter,
      useFactory: (redis: RedisConnection | null) => (redis ? new RedisUsageCounter(redis) : null),
      inject: [RedisConnection],
    },
    {
      provide: ClusterEvents,
      useFactory: (redis: RedisConnection | null) => {
        if (redis) return new RedisClusterEvents(redis);
        if (!config.database.url) return new LocalClusterEvents();
        new Logger('Cluster').warn(PER_REPLICA_LIMITS_WARNING);
        return new PostgresClusterEvents(config.database.url);
      },
      inject: [RedisConnection],
    },
  ];
}
