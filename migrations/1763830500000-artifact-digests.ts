import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sha256 of each version's artifact as stored (a file's content; for a directory, a digest over
 * its files), checked before every load so a replica never serves a corrupted or half-copied
 * artifact from a shared MODEL_STORE_DIR. Versions stored before this have none: a single-file
 * artifact is then checked against the upload's sha256.
 */
export class ArtifactDigests1763830500000 implements MigrationInterface {
  name = 'ArtifactDigests1763830500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "model_versions" ADD COLUMN "artifactSha256" varchar(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "model_versions" DROP COLUMN "artifactSha256"`);
  }
}
