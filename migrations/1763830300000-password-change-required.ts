import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect.js';

/** Marks a user who must choose a new password before doing anything else (the first admin's generated one). */
export class PasswordChangeRequired1763830300000 implements MigrationInterface {
  name = 'PasswordChangeRequired1763830300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // SQLite keeps booleans as 0/1; PostgreSQL wants a boolean literal.
    const falseValue = dialectOf(queryRunner).postgres ? 'false' : '0';
    await queryRunner.query(`ALTER TABLE "users" ADD COLUMN "passwordChangeRequired" boolean NOT NULL DEFAULT ${falseValue}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "passwordChangeRequired"`);
  }
}
