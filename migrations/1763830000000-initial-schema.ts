import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect.js';

/** Users, refresh-token families and the audit log. */
export class InitialSchema1763830000000 implements MigrationInterface {
  name = 'InitialSchema1763830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { timestamp, now, serialKey, nocase, postgres } = dialectOf(queryRunner);
    // NOCASE: "Admin" and "admin" must not be two different accounts.
    await queryRunner.query(`CREATE TABLE "users" (
      "id" varchar PRIMARY KEY NOT NULL,
      "username" varchar(64) NOT NULL${postgres ? '' : ' UNIQUE'}${nocase},
      "passwordHash" varchar NOT NULL,
      "role" varchar(16) NOT NULL CHECK ("role" IN ('admin','operator','viewer')),
      "sessionVersion" integer NOT NULL DEFAULT 0,
      "createdAt" ${timestamp} NOT NULL DEFAULT ${now},
      "updatedAt" ${timestamp} NOT NULL DEFAULT ${now}
    )`);
    if (postgres) await queryRunner.query(`CREATE UNIQUE INDEX "idx_users_username_nocase" ON "users" (LOWER("username"))`);
    await queryRunner.query(`CREATE TABLE "refresh_tokens" (
      "id" varchar PRIMARY KEY NOT NULL,
      "userId" varchar NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
      "familyId" varchar NOT NULL,
      "tokenHash" varchar NOT NULL UNIQUE,
      "expiresAt" ${timestamp} NOT NULL,
      "usedAt" ${timestamp},
      "revokedAt" ${timestamp},
      "createdAt" ${timestamp} NOT NULL DEFAULT ${now}
    )`);
    await queryRunner.query(`CREATE INDEX "idx_refresh_tokens_family" ON "refresh_tokens" ("familyId")`);
    await queryRunner.query(`CREATE INDEX "idx_refresh_tokens_user" ON "refresh_tokens" ("userId")`);
    await queryRunner.query(`CREATE TABLE "audit_log" (
      "id" ${serialKey},
      "action" varchar(64) NOT NULL,
      "actorId" varchar,
      "actorUsername" varchar(64),
      "target" varchar,
      "ip" varchar(64),
      "outcome" varchar(16) NOT NULL CHECK ("outcome" IN ('success','failure')),
      "details" text,
      "requestId" varchar(128),
      "createdAt" ${timestamp} NOT NULL DEFAULT ${now}
    )`);
    await queryRunner.query(`CREATE INDEX "idx_audit_log_created" ON "audit_log" ("createdAt")`);
    await queryRunner.query(`CREATE INDEX "idx_audit_log_action" ON "audit_log" ("action")`);
    await queryRunner.query(`CREATE INDEX "idx_audit_log_actor" ON "audit_log" ("actorUsername")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
