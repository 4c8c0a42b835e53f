import { parseReplicaRecord, ReplicaRecord, ReplicaRegistry } from './replica-registry.js';
import type { RedisConnection } from './redis-connection.js';

/** Heartbeats in one Redis hash, `<REDIS_PREFIX>:replicas`, a field per replica. */
export class RedisReplicaRegistry extends ReplicaRegistry {
  private readonly key: string;

  constructor(private readonly redis: RedisConnection) {
    super();
    this.key = redis.key('replicas');
  }

  async beat(record: ReplicaRecord): Promise<void> {
    await this.redis.commands.hset(this.key, record.id, JSON.stringify(record));
  }

  async all(): Promise<ReplicaRecord[]> {
    const fields = await this.redis.commands.hgetall(this.key);
    return Object.values(fields).flatMap((text) => parseReplicaRecord(text) ?? []);
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.commands.hdel(this.key, ...ids);
  }
}
