import { Logger } from '@nestjs/common';
import { ClusterEvent, ReceivingClusterEvents } from './cluster-events.js';
import type { RedisConnection } from './redis-connection.js';

/** Announcements over Redis pub/sub on `<REDIS_PREFIX>:events`. A reconnect tells listeners to resync, since pub/sub keeps nothing for absent subscribers. */
export class RedisClusterEvents extends ReceivingClusterEvents {
  protected readonly logger = new Logger('ClusterEvents');
  private readonly channel: string;
  private subscribedOnce = false;

  constructor(private readonly redis: RedisConnection) {
    super();
    this.channel = redis.key('events');
    redis.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      this.receive(message);
    });
    redis.subscriber.on('ready', () => {
      // ioredis re-subscribes by itself after a reconnect; what was published meanwhile is lost.
      if (this.subscribedOnce) this.deliver({ type: 'resync' });
    });
    redis.subscriber.subscribe(this.channel).then(
      () => (this.subscribedOnce = true),
      (error: Error) => this.logger.warn({ msg: 'Could not subscribe yet; will on reconnect', error: error.message }),
    );
  }

  async publish(event: ClusterEvent): Promise<void> {
    try {
      await this.redis.commands.publish(this.channel, this.encode(event));
    } catch (error) {
      // The change is in the database already; the periodic reconcile brings the others along.
      this.logger.warn({ msg: 'Could not announce a change; other replicas catch up on their next reconcile', event: event.type, error: (error as Error).message });
    }
  }
}
