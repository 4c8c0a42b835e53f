import type { DataSource } from 'typeorm';
import { SqlDialect } from '../database/sql-dialect.js';
import { parseReplicaRecord, ReplicaRecord, ReplicaRegistry } from './replica-registry.js';

/** Heartbeats in the shared database's `replica_heartbeats` table, for PostgreSQL without Redis. */
export class DatabaseReplicaRegistry extends ReplicaRegistry {
  private readonly dialect: SqlDialect;

  constructor(private readonly dataSource: DataSource) {
    super();
    this.dialect = new SqlDialect(dataSource);
  }

  async beat(record: ReplicaRecord): Promise<void> {
    await this.dataSource.query(
      this.dialect.positional(`INSERT INTO "replica_heartbeats" ("id", "record", "heartbeatAt") VALUES (?, ?, ?)
       ON CONFLICT ("id") DO UPDATE SET "record" = excluded."record", "heartbeatAt" = excluded."heartbeatAt"`),
      [record.id, JSON.stringify(record), Date.parse(record.lastHeartbeatAt)],
    );
  }

  async all(): Promise<ReplicaRecord[]> {
    const rows: Array<{ record: string }> = await this.dataSource.query(`SELECT "record" FROM "replica_heartbeats"`);
    return rows.flatMap((row) => parseReplicaRecord(String(row.record)) ?? []);
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.dataSource.query(this.dialect.positional(`DELETE FROM "replica_heartbeats" WHERE "id" = ?`), [id]);
  }
}
