import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect.js';

/**
 * The model store: one row per model (name, lifecycle status, active version, deploy overrides)
 * and one row per uploaded version (artifact location relative to DATA_DIR/models, hash,
 * signature, validation report and config, all JSON as text).
 */
export class ModelStore1763830200000 implements MigrationInterface {
  name = 'ModelStore1763830200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { bigint } = dialectOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "models" (
      "id" varchar PRIMARY KEY NOT NULL,
      "name" varchar(128) NOT NULL UNIQUE,
      "description" varchar(2000) NOT NULL DEFAULT '',
      "engine" varchar(64) NOT NULL,
      "format" varchar(32) NOT NULL,
      "status" varchar(16) NOT NULL CHECK ("status" IN ('validated','invalid','deploying','deployed','failed')),
      "statusReason" text,
      "activeVersion" integer NOT NULL,
      "deploymentOverrides" text NOT NULL DEFAULT '{}',
      "createdAt" varchar NOT NULL,
      "updatedAt" varchar NOT NULL
    )`);
    await queryRunner.query(`CREATE INDEX "idx_models_status" ON "models" ("status")`);
    await queryRunner.query(`CREATE TABLE "model_versions" (
      "modelId" varchar NOT NULL REFERENCES "models"("id") ON DELETE CASCADE,
      "version" integer NOT NULL,
      "status" varchar(16) NOT NULL CHECK ("status" IN ('validated','invalid')),
      "engine" varchar(64) NOT NULL,
      "format" varchar(32) NOT NULL,
      "artifactPath" text NOT NULL,
      "originalName" varchar(512) NOT NULL,
      "sha256" varchar(64) NOT NULL,
      "sizeBytes" ${bigint} NOT NULL,
      "signature" text,
      "validation" text NOT NULL,
      "config" text NOT NULL,
      "createdAt" varchar NOT NULL,
      PRIMARY KEY ("modelId", "version")
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "model_versions"`);
    await queryRunner.query(`DROP TABLE "models"`);
  }
}
