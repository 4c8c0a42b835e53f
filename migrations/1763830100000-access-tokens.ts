import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect.js';

/**
 * Access tokens for the external API (only a SHA-256 of each secret is stored) and their
 * monthly usage counters, keyed by UTC calendar month so a new month starts from zero by itself.
 */
export class AccessTokens1763830100000 implements MigrationInterface {
  name = 'AccessTokens1763830100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The entity keeps these times as ISO-8601 text.
    const { isoText: timestamp, isoNow: now } = dialectOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "access_tokens" (
      "id" varchar PRIMARY KEY NOT NULL,
      "name" varchar(100) NOT NULL,
      "description" varchar(1000) NOT NULL DEFAULT '',
      "secretHash" varchar(64) NOT NULL UNIQUE,
      "tokenPreview" varchar(32) NOT NULL,
      "allowedModels" text NOT NULL,
      "ipAllowlist" text NOT NULL,
      "rateLimitPerMinute" integer,
      "monthlyQuota" integer,
      "expiresAt" ${timestamp},
      "disabledAt" ${timestamp},
      "revokedAt" ${timestamp},
      "lastUsedAt" ${timestamp},
      "createdBy" varchar,
      "createdAt" ${timestamp} NOT NULL DEFAULT ${now},
      "updatedAt" ${timestamp} NOT NULL DEFAULT ${now}
    )`);
    await queryRunner.query(`CREATE INDEX "idx_access_tokens_name" ON "access_tokens" ("name")`);
    await queryRunner.query(`CREATE TABLE "access_token_usage" (
      "tokenId" varchar NOT NULL REFERENCES "access_tokens"("id") ON DELETE CASCADE,
      "month" varchar(7) NOT NULL,
      "count" integer NOT NULL DEFAULT 0,
      PRIMARY KEY ("tokenId", "month")
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "access_token_usage"`);
    await queryRunner.query(`DROP TABLE "access_tokens"`);
  }
}
