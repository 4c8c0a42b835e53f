import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { ClusterEvent, ReceivingClusterEvents } from './cluster-events.js';

/** The NOTIFY channel every replica on one database listens to (a database is one deployment). */
export const POSTGRES_EVENTS_CHANNEL = 'modelport_events';
const RECONNECT_MAX_MS = 5_000;

/**
 * Announcements over PostgreSQL LISTEN/NOTIFY, for a deployment with DATABASE_URL but no Redis.
 * One dedicated connection listens (a pooled one would be handed back and lose its LISTEN); a
 * second publishes with pg_notify. After a lost connection listeners are told to resync, since
 * notifications sent meanwhile are gone.
 */
export class PostgresClusterEvents extends ReceivingClusterEvents implements OnModuleInit, OnApplicationShutdown {
  protected readonly logger = new Logger('ClusterEvents');
  private listener: pg.Client | null = null;
  private publisher: pg.Client | null = null;
  private publisherConnecting: Promise<pg.Client> | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = 100;
  private listenedOnce = false;
  private closed = false;

  constructor(private readonly databaseUrl: string) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await Promise.all([this.listener, this.publisher].map((client) => client?.end().catch(() => undefined)));
  }

  async publish(event: ClusterEvent): Promise<void> {
    try {
      const client = await this.publishingClient();
      await client.query('SELECT pg_notify($1, $2)', [POSTGRES_EVENTS_CHANNEL, this.encode(event)]);
    } catch (error) {
      this.publisher = null;
      // The change is in the database already; the periodic reconcile brings the others along.
      this.logger.warn({ msg: 'Could not announce a change; other replicas catch up on their next reconcile', event: event.type, error: (error as Error).message });
    }
  }

  private publishingClient(): Promise<pg.Client> {
    if (this.publisher) return Promise.resolve(this.publisher);
    this.publisherConnecting ??= this.connect()
      .then((client) => {
        client.on('error', () => (this.publisher = null));
        client.on('end', () => (this.publisher = null));
        this.publisher = client;
        return client;
      })
      .finally(() => (this.publisherConnecting = null));
    return this.publisherConnecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    let client: pg.Client;
    try {
      client = await this.connect();
      client.on('notification', (message) => {
        if (message.channel !== POSTGRES_EVENTS_CHANNEL || !message.payload) return;
        this.receive(message.payload);
      });
      const lost = (error?: Error) => {
        if (this.listener !== client) return;
        this.listener = null;
        this.logger.warn({ msg: 'Lost the PostgreSQL announcement connection; reconnecting', error: error?.message });
        void client.end().catch(() => undefined);
        this.scheduleListen();
      };
      client.on('error', lost);
      client.on('end', () => lost());
      await client.query(`LISTEN ${POSTGRES_EVENTS_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn({ msg: 'Could not listen for announcements yet; retrying', error: (error as Error).message });
      this.scheduleListen();
      return;
    }
    this.reconnectDelayMs = 100;
    if (this.listenedOnce) this.deliver({ type: 'resync' });
    this.listenedOnce = true;
  }

  private scheduleListen(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(), this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(RECONNECT_MAX_MS, this.reconnectDelayMs * 2);
  }
}
