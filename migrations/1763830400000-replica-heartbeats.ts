import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect.js';

/**
 * Heartbeats of the replicas sharing this database, used when there is no Redis to keep them
 * (PostgreSQL without REDIS_URL). One process on SQLite keeps its own in memory and never reads it.
 */
export class ReplicaHeartbeats1763830400000 implements MigrationInterface {
  name = 'ReplicaHeartbeats1763830400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "replica_heartbeats" (
      "id" varchar(128) PRIMARY KEY NOT NULL,
      "record" text NOT NULL,
      "heartbeatAt" ${dialect.bigint} NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "replica_heartbeats"`);
  }
}
