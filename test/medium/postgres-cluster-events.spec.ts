import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClusterEvent } from '../../src/cluster/cluster-events.js';
import { PostgresClusterEvents } from '../../src/cluster/postgres-cluster-events.js';
import { createScratchPostgres, ScratchPostgres } from '../helpers/test-databases.js';

const postgresAdminUrl = inject('postgresAdminUrl');

/** Resolves with the next event a bus delivers that matches. */
function nextEvent(bus: PostgresClusterEvents, matches: (event: ClusterEvent) => boolean): Promise<ClusterEvent> {
  return new Promise((resolve) => bus.subscribe((event) => matches(event) && resolve(event)));
}

/** Announcements between replicas without Redis: PostgreSQL LISTEN/NOTIFY on the shared database. */
describe.skipIf(!postgresAdminUrl)('PostgreSQL LISTEN/NOTIFY announcements (medium)', () => {
  let database: ScratchPostgres;
  let a: PostgresClusterEvents;
  let b: PostgresClusterEvents;

  beforeAll(async () => {
    database = await createScratchPostgres(postgresAdminUrl!);
    a = new PostgresClusterEvents(database.url);
    b = new PostgresClusterEvents(database.url);
    await Promise.all([a.onModuleInit(), b.onModuleInit()]);
  });

  afterAll(async () => {
    await Promise.all([a?.onApplicationShutdown(), b?.onApplicationShutdown()]);
    await database?.drop();
  });

  it('a change announced by one replica reaches the other', async () => {
    const received = nextEvent(b, (event) => event.type === 'token');
    await a.publish({ type: 'token', tokenId: 'tok-1', newSecretHash: 'h' });
    expect(await received).toEqual({ type: 'token', tokenId: 'tok-1', newSecretHash: 'h' });
    const model = nextEvent(a, (event) => event.type === 'model');
    await b.publish({ type: 'model', modelId: 'm-1' });
    expect(await model).toEqual({ type: 'model', modelId: 'm-1' });
  });

  it('a replica does not hear its own announcements back (it applied them when it made the change)', async () => {
    const heardByB: ClusterEvent[] = [];
    b.subscribe((event) => heardByB.push(event));
    const marker = nextEvent(b, (event) => event.type === 'model' && event.modelId === 'marker');
    await b.publish({ type: 'token', tokenId: 'own' });
    // NOTIFY delivers in commit order on one channel: b's own notification would come before a's marker.
    await a.publish({ type: 'model', modelId: 'marker' });
    await marker;
    expect(heardByB).toEqual([{ type: 'model', modelId: 'marker' }]);
  });

  it('a malformed notification on the channel is dropped; the next good one still arrives', async () => {
    const seen: ClusterEvent[] = [];
    b.subscribe((event) => seen.push(event));
    const received = nextEvent(b, (event) => event.type === 'model' && event.modelId === 'after-junk');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`SELECT pg_notify('modelport_events', '{"type":"model"}'), pg_notify('modelport_events', 'not json')`);
    await client.end();
    await a.publish({ type: 'model', modelId: 'after-junk' });
    await received;
    expect(seen).toEqual([{ type: 'model', modelId: 'after-junk' }]);
  });

  it('after its connection is cut, a replica reconnects, resyncs, and hears announcements again', async () => {
    const resynced = nextEvent(b, (event) => event.type === 'resync');
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    // Every other session on this database, i.e. both replicas' listening and publishing connections.
    const cut = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    await admin.end();
    expect(cut.rowCount).toBeGreaterThanOrEqual(2);
    expect(await resynced).toEqual({ type: 'resync' });
    const received = nextEvent(b, (event) => event.type === 'token' && event.tokenId === 'after-cut');
    // The publisher notices its connection is gone on first use and reconnects for the next.
    await a.publish({ type: 'token', tokenId: 'lost-or-not' });
    await a.publish({ type: 'token', tokenId: 'after-cut' });
    expect(await received).toEqual({ type: 'token', tokenId: 'after-cut' });
  });
});
