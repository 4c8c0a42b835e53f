import type { DataSource, DataSourceOptions } from 'typeorm';
import { runMigrationsLocked } from './migration-lock.js';
import { createGatedDataSource } from './statement-gate.js';

/**
 * An initialized DataSource with every migration applied. SQLite gets the statement gate and runs
 * its migrations inside `initialize()`; PostgreSQL (a pool, no gate) runs them under the advisory lock.
 */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = createGatedDataSource(options);
  await dataSource.initialize();
  try {
    if (!options.migrationsRun) await runMigrationsLocked(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
