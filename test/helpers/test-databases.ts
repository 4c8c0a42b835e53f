import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { inject } from 'vitest';
import { dataSourceOptions, postgresDataSourceOptions } from '../../src/database/data-source-options.js';
import { openDataSource } from '../../src/database/open-data-source.js';

/** A database of its own for one test file: `mp_<random>` on the test PostgreSQL server, dropped by `drop()`. */
export interface ScratchPostgres {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createScratchPostgres(adminUrl: string): Promise<ScratchPostgres> {
  const name = `mp_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export interface OpenedDatabase {
  dataSource: DataSource;
  close(): Promise<void>;
}

/** An empty database that can be opened (and closed and reopened, like a restart) until it is removed. */
export interface PreparedDatabase {
  options: DataSourceOptions;
  remove(): Promise<void>;
}

/** One database a medium suite runs on. */
export interface DatabaseUnderTest {
  name: string;
  postgres: boolean;
  prepare(entities?: DataSourceOptions['entities']): Promise<PreparedDatabase>;
  /** A prepared database opened with its migrations applied; `close()` also removes it. */
  open(entities?: DataSourceOptions['entities']): Promise<OpenedDatabase>;
}

async function openPrepared(prepared: PreparedDatabase): Promise<OpenedDatabase> {
  try {
    const dataSource = await openDataSource(prepared.options);
    return {
      dataSource,
      async close() {
        await dataSource.destroy();
        await prepared.remove();
      },
    };
  } catch (error) {
    await prepared.remove();
    throw error;
  }
}

const sqlite: DatabaseUnderTest = {
  name: 'SQLite',
  postgres: false,
  async prepare(entities = []) {
    const dir = mkdtempSync(join(tmpdir(), 'modelport-medium-'));
    return { options: dataSourceOptions(dir, entities), remove: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  async open(entities = []) {
    return openPrepared(await this.prepare(entities));
  },
};

function postgresAt(adminUrl: string): DatabaseUnderTest {
  return {
    name: 'PostgreSQL',
    postgres: true,
    async prepare(entities = []) {
      const scratch = await createScratchPostgres(adminUrl);
      return { options: postgresDataSourceOptions(scratch.url, 4, entities), remove: () => scratch.drop() };
    },
    async open(entities = []) {
      return openPrepared(await this.prepare(entities));
    },
  };
}

/**
 * SQLite always, PostgreSQL when the run's probe found it (test/global-setup.ts prints the one
 * line saying so when it did not).
 */
export function databasesUnderTest(): DatabaseUnderTest[] {
  const adminUrl = inject('postgresAdminUrl');
  return adminUrl ? [sqlite, postgresAt(adminUrl)] : [sqlite];
}
