import { describe, expect, it } from 'vitest';
import { LocalReplicaRegistry, parseReplicaRecord } from '../cluster/replica-registry.js';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { ModelDeployer } from '../serving/model-deployer.js';
import { ReplicasService } from './replicas.service.js';

class ManualClock extends Clock {
  constructor(public ms = Date.parse('2026-06-01T00:00:00.000Z')) {
    super();
  }
  override now(): Date {
    return new Date(this.ms);
  }
}

/** Only what the heartbeat reads from the deployer: what is served, at which version. */
class ServedModels {
  constructor(readonly served = new Map<string, number>()) {}
  deployedModelIds(): string[] {
    return [...this.served.keys()];
  }
  deployedVersion(modelId: string): number | undefined {
    return this.served.get(modelId);
  }
}

const config = (port: number, replicaAddress = '') =>
  ({ server: { host: '127.0.0.1', port }, cluster: { heartbeatIntervalMs: 1_000, replicaAddress } }) as unknown as AppConfig;

describe('ReplicasService', () => {
  it('lists every replica with a fresh heartbeat and drops one that stopped beating after 3 intervals', async () => {
    const registry = new LocalReplicaRegistry();
    const clock = new ManualClock();
    const a = new ReplicasService(registry, clock, config(8001), new ServedModels(new Map([['m1', 3]])) as unknown as ModelDeployer);
    clock.ms += 10;
    const b = new ReplicasService(registry, clock, config(8002, 'b.internal:8002'));
    await a.beat();
    await b.beat();

    const listed = await a.list();
    expect(listed.map((replica) => [replica.id, replica.address, replica.models])).toEqual([
      [a.id, '127.0.0.1:8001', [{ modelId: 'm1', version: 3 }]],
      [b.id, 'b.internal:8002', []],
    ]);
    expect(listed[1].lastHeartbeatAt).toBe(new Date(clock.ms).toISOString());

    // B goes silent; A keeps beating. At exactly 3 intervals B still counts, one ms later it is gone.
    const silentSince = clock.ms;
    clock.ms = silentSince + 3_000;
    await a.beat();
    expect((await a.list()).map((replica) => replica.id)).toEqual([a.id, b.id]);
    clock.ms += 1;
    expect((await a.list()).map((replica) => replica.id)).toEqual([a.id]);
    // Pruned from the store, not merely hidden.
    expect((await registry.all()).map((record) => record.id)).toEqual([a.id]);

    // B comes back: it beats and is listed again.
    await b.beat();
    expect((await a.list()).map((replica) => replica.id)).toEqual([a.id, b.id]);
  });

  it('alone (one process), lists itself even before its first heartbeat or when the store fails', async () => {
    const clock = new ManualClock();
    const only = new ReplicasService(new LocalReplicaRegistry(), clock, config(3000));
    expect((await only.list()).map((replica) => replica.id)).toEqual([only.id]);
    class BrokenRegistry extends LocalReplicaRegistry {
      override async all(): Promise<never> {
        throw new Error('connection refused');
      }
    }
    const cut = new ReplicasService(new BrokenRegistry(), clock, config(3000));
    await cut.beat();
    expect((await cut.list()).map((replica) => replica.id)).toEqual([cut.id]);
  });

  it('a graceful stop leaves the list at once', async () => {
    const registry = new LocalReplicaRegistry();
    const clock = new ManualClock();
    const a = new ReplicasService(registry, clock, config(1));
    const b = new ReplicasService(registry, clock, config(2));
    await a.beat();
    await b.beat();
    await b.onApplicationShutdown();
    expect((await a.list()).map((replica) => replica.id)).toEqual([a.id]);
  });
});

describe('parseReplicaRecord', () => {
  it('drops what is not a heartbeat record and keeps only known fields', () => {
    for (const text of ['', 'nope', 'null', '[]', '{"id":"a"}', '{"id":1,"address":"x","version":"1","startedAt":"s","lastHeartbeatAt":"t","models":[]}']) {
      expect(parseReplicaRecord(text), text).toBeNull();
    }
    const record = { id: 'a', address: 'h:1', version: '1.0.0', startedAt: 's', lastHeartbeatAt: 't', models: [{ modelId: 'm', version: 2 }, { modelId: 5 }], extra: 'x' };
    expect(parseReplicaRecord(JSON.stringify(record))).toEqual({ id: 'a', address: 'h:1', version: '1.0.0', startedAt: 's', lastHeartbeatAt: 't', models: [{ modelId: 'm', version: 2 }] });
  });
});
