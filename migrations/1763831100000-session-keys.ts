import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Binds each access token to its login: a random session key, stored only as its sha256 on the
 * refresh token that was issued with it. Tokens signed before this migration carry no key and are
 * refused, so everyone logs in once more after the upgrade.
 */
export class SessionKeys1763831100000 implements MigrationInterface {
  name = 'SessionKeys1763831100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ADD COLUMN "sessionKeyHash" varchar NULL`);
    await queryRunner.query(`CREATE INDEX "idx_refresh_tokens_session_key" ON "refresh_tokens" ("sessionKeyHash")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_refresh_tokens_session_key"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "sessionKeyHash"`);
  }
}
