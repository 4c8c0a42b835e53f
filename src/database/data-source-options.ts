import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { allMigrations } from '../../migrations/index.js';

export const DATABASE_FILE = 'modelport.sqlite';

/**
 * SQLite through the sqlite3 driver (typeorm 0.3.x; 1.x dropped it). Schema changes come only
 * from migrations, applied at boot; synchronize stays off.
 */
export function dataSourceOptions(dataDir: string, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  mkdirSync(dataDir, { recursive: true });
  return {
    type: 'sqlite',
    database: join(dataDir, DATABASE_FILE),
    entities,
    migrations: allMigrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    enableWAL: true,
    busyErrorRetry: 50,
    // Off: typeorm's error logging prints query parameters, which can include password hashes.
    logging: false,
  };
}
