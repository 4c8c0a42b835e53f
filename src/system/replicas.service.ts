import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { ReplicaRecord, ReplicaRegistry } from '../cluster/replica-registry.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { ModelDeployer } from '../serving/model-deployer.js';
import { readPackageVersion } from './system-info.service.js';

/** A replica silent for this many heartbeat intervals has stopped (or cannot reach the shared store) and drops out. */
export const MISSED_HEARTBEATS_TO_DROP = 3;

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * This replica's heartbeat, every HEARTBEAT_INTERVAL_MS, and the list of the replicas whose
 * heartbeat is fresh. Records that went stale are pruned by whichever replica lists them.
 */
@Injectable()
export class ReplicasService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Replicas');
  readonly id = `${hostname()}-${randomBytes(3).toString('hex')}`;
  private readonly startedAt: string;
  private readonly host: string;
  private timer: NodeJS.Timeout | undefined;
  private beatFailing = false;

  constructor(
    private readonly registry: ReplicaRegistry,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Optional() private readonly deployer?: ModelDeployer,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    this.startedAt = clock.now().toISOString();
    this.host = WILDCARD_HOSTS.has(config.server.host) ? hostname() : config.server.host;
  }

  /** REPLICA_ADDRESS, else host:port with the port the server really listens on (PORT=0 picks one). */
  private address(): string {
    if (this.config.cluster.replicaAddress) return this.config.cluster.replicaAddress;
    const listening = this.adapterHost?.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null | undefined;
    const port = listening && typeof listening === 'object' ? listening.port : this.config.server.port;
    return `${this.host}:${port}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    // The server listens after bootstrap: beat again then, so the listed address has the real port at once.
    this.adapterHost?.httpAdapter?.getHttpServer()?.once('listening', () => void this.beat());
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.config.cluster.heartbeatIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // Stopping on purpose: leave the list at once rather than after the missed heartbeats.
    await this.registry.remove([this.id]).catch(() => undefined);
  }

  /** Records this replica as alive now. A failure is logged once per outage; the next beat tries again. */
  async beat(): Promise<void> {
    try {
      await this.registry.beat(this.current());
      if (this.beatFailing) this.logger.log({ msg: 'Heartbeat restored' });
      this.beatFailing = false;
    } catch (error) {
      if (!this.beatFailing) this.logger.warn({ msg: 'Could not record the heartbeat; other replicas will drop this one until it can', error: (error as Error).message });
      this.beatFailing = true;
    }
  }

  /** The replicas with a fresh heartbeat, this one always among them, oldest first. */
  async list(): Promise<ReplicaRecord[]> {
    const now = this.clock.now().getTime();
    const oldestFresh = now - MISSED_HEARTBEATS_TO_DROP * this.config.cluster.heartbeatIntervalMs;
    let records: ReplicaRecord[];
    try {
      records = await this.registry.all();
    } catch (error) {
      this.logger.warn({ msg: 'Could not read the other replicas’ heartbeats; listing this one only', error: (error as Error).message });
      records = [];
    }
    const stale = records.filter((record) => !(Date.parse(record.lastHeartbeatAt) >= oldestFresh));
    if (stale.length > 0) await this.registry.remove(stale.map((record) => record.id)).catch(() => undefined);
    const fresh = records.filter((record) => record.id !== this.id && !stale.includes(record));
    return [...fresh, this.current()].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  private current(): ReplicaRecord {
    const deployer = this.deployer;
    const models = (deployer?.deployedModelIds() ?? []).flatMap((modelId) => {
      const version = deployer?.deployedVersion(modelId);
      return version === undefined ? [] : [{ modelId, version }];
    });
    return {
      id: this.id,
      address: this.address(),
      version: readPackageVersion(),
      startedAt: this.startedAt,
      lastHeartbeatAt: this.clock.now().toISOString(),
      models,
    };
  }
}
