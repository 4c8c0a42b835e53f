/** What one replica says about itself in each heartbeat. */
export interface ReplicaRecord {
  id: string;
  address: string;
  version: string;
  startedAt: string;
  lastHeartbeatAt: string;
  /** The models this replica serves, at the version it serves. */
  models: Array<{ modelId: string; version: number }>;
}

/**
 * Where the replicas of one deployment leave their heartbeats: Redis, the shared PostgreSQL
 * database when there is no Redis, or this process alone. Whether a heartbeat is still fresh is
 * decided by the reader (ReplicasService) with its clock, so the stores only keep records.
 */
export abstract class ReplicaRegistry {
  abstract beat(record: ReplicaRecord): Promise<void>;
  abstract all(): Promise<ReplicaRecord[]>;
  abstract remove(ids: readonly string[]): Promise<void>;
}

/** One process: the only replica is this one. */
export class LocalReplicaRegistry extends ReplicaRegistry {
  private readonly records = new Map<string, ReplicaRecord>();

  async beat(record: ReplicaRecord): Promise<void> {
    this.records.set(record.id, record);
  }

  async all(): Promise<ReplicaRecord[]> {
    return [...this.records.values()];
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.records.delete(id);
  }
}

/** A stored record read back, or null when it is not one (a store shared with other software, a half-written value). */
export function parseReplicaRecord(text: string): ReplicaRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const record = value as Record<string, unknown> | null;
  if (!record || typeof record !== 'object') return null;
  const strings = ['id', 'address', 'version', 'startedAt', 'lastHeartbeatAt'] as const;
  if (!strings.every((key) => typeof record[key] === 'string') || !Array.isArray(record.models)) return null;
  const models = (record.models as unknown[]).flatMap((model) => {
    const entry = model as Record<string, unknown> | null;
    return entry && typeof entry.modelId === 'string' && typeof entry.version === 'number' ? [{ modelId: entry.modelId, version: entry.version }] : [];
  });
  return {
    id: record.id as string,
    address: record.address as string,
    version: record.version as string,
    startedAt: record.startedAt as string,
    lastHeartbeatAt: record.lastHeartbeatAt as string,
    models,
  };
}
