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

/**
 * PostgreSQL through `pg` with a pool. Migrations are not run by `initialize()` here: several
 * replicas may boot at once, so `runMigrationsLocked` applies them under an advisory lock.
 */
export function postgresDataSourceOptions(url: string, poolSize: number, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: allMigrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    poolSize,
    // COUNT(*) and bigint columns as numbers, as SQLite gives them (all values stay far below 2^53).
    parseInt8: true,
    logging: false,
  };
}

export interface DatabaseSettings {
  dataDir: string;
  /** Empty: SQLite under dataDir. */
  url: string;
  poolSize: number;
}

/** The options the settings select: PostgreSQL when a URL is given, else SQLite under DATA_DIR as always. */
export function databaseOptions(settings: DatabaseSettings, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return settings.url ? postgresDataSourceOptions(settings.url, settings.poolSize, entities) : dataSourceOptions(settings.dataDir, entities);
}
