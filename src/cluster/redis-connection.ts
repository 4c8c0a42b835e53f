import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The replica's two Redis connections (ioredis): one for commands (rate limits, throttles,
 * publishing) and one in subscriber mode. Commands do not queue while Redis is away, so the rate
 * limiters fall back to their in-memory insurance at once instead of stalling requests; ioredis
 * reconnects by itself.
 */
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly commands: Redis;
  readonly subscriber: Redis;

  constructor(
    url: string,
    /** Prefix of every key and channel of this deployment. */
    readonly prefix: string,
  ) {
    this.commands = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: CONNECT_TIMEOUT_MS });
    this.subscriber = new Redis(url, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS });
    for (const [role, client] of [['commands', this.commands], ['subscriber', this.subscriber]] as const) {
      // Without a listener ioredis prints every failed reconnect attempt; one line per outage is enough.
      let down = false;
      client.on('error', (error: Error) => {
        if (!down) this.logger.warn({ msg: 'Redis unavailable; retrying', connection: role, error: error.message });
        down = true;
      });
      client.on('ready', () => {
        if (down) this.logger.log({ msg: 'Redis connection restored', connection: role });
        down = false;
      });
    }
  }

  key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  async onModuleInit(): Promise<void> {
    await Promise.all(
      [this.commands, this.subscriber].map((client) =>
        client.connect().catch((error: Error) => this.logger.error({ msg: 'Redis not reachable at boot; limits stay per replica until it is', error: error.message })),
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}
