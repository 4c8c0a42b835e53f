import type { DataSource, Migration } from 'typeorm';

/** Arbitrary but fixed: every replica of every version takes the same lock. */
export const MIGRATION_LOCK_KEY = 7_263_830_000;

/**
 * Applies pending migrations, one transaction each. On PostgreSQL a session-level advisory lock
 * is held around the whole run, so replicas booting at once against one database queue up: the
 * first applies every migration, the others then find nothing pending. SQLite has one process
 * per file and runs migrations inside `initialize()` already.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'postgres') return dataSource.runMigrations({ transaction: 'each' });
  const session = dataSource.createQueryRunner();
  await session.connect();
  try {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await session.release();
  }
}
