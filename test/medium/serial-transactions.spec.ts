import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataSource, EntityManager } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { SerialTransactions } from '../../src/database/serial-transactions.js';
import { isUniqueViolation, SqlDialect } from '../../src/database/sql-dialect.js';
import { databasesUnderTest } from '../helpers/test-databases.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with what a promise rejected with, or fails the test when it fulfilled. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

// SQLite (sqlite3, one connection behind the statement gate) and PostgreSQL (a pool), as the app opens them.
for (const database of databasesUnderTest()) {
  describe(`Transactions and plain statements on ${database.name}`, () => {
    let dataSource: DataSource;
    let close: () => Promise<void>;
    let transactions: SerialTransactions;
    let dialect: SqlDialect;
    /** SQL written once with `?` placeholders, run on either database. */
    const query = (sql: string, parameters?: unknown[], on: Pick<EntityManager, 'query'> = dataSource) => on.query(dialect.positional(sql), parameters);

    beforeAll(async () => {
      ({ dataSource, close } = await database.open());
      dialect = new SqlDialect(dataSource);
      await dataSource.query('CREATE TABLE "item" ("name" varchar PRIMARY KEY NOT NULL, "origin" varchar NOT NULL)');
      await dataSource.query('CREATE TABLE "flag" ("id" integer PRIMARY KEY NOT NULL, "state" varchar NOT NULL)');
      transactions = new SerialTransactions(dataSource);
    });
    afterAll(() => close());
    beforeEach(async () => {
      await dataSource.query('DELETE FROM "item"');
      await dataSource.query('DELETE FROM "flag"');
    });

    const names = async (origin: string) =>
      ((await query('SELECT "name" FROM "item" WHERE "origin" = ? ORDER BY "name"', [origin])) as Array<{ name: string }>).map((row) => row.name);

    /** A transaction that writes, stays open for a while, then fails on a UNIQUE constraint. */
    const failingTransaction = (name: string, opened?: () => void) =>
      transactions.run(async (manager) => {
        await query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', [`${name}-partial`, 'failed'], manager);
        opened?.();
        await pause(20);
        await query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', ['taken', 'failed'], manager);
      });

    it('a plain write made while another transaction is open survives that transaction\'s rollback', async () => {
      await query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', ['taken', 'seed']);
      let signalOpened!: () => void;
      const opened = new Promise<void>((resolve) => (signalOpened = resolve));
      const failing = failingTransaction('upload', signalOpened);
      await opened;
      const plain = query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', ['revoke-1', 'plain']);
      const update = query('INSERT INTO "flag" ("id", "state") VALUES (1, ?)', ['disabled']);
      expect(isUniqueViolation(await rejectionOf(failing))).toBe(true);
      await Promise.all([plain, update]);
      expect(await names('plain')).toEqual(['revoke-1']);
      expect(await names('failed')).toEqual([]);
      expect(await dataSource.query('SELECT "state" FROM "flag"')).toEqual([{ state: 'disabled' }]);
    });

    it('every acknowledged plain write survives many interleaved failing transactions', async () => {
      await query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', ['taken', 'seed']);
      const work: Array<Promise<unknown>> = [];
      const acknowledged: string[] = [];
      for (let round = 0; round < 8; round += 1) {
        work.push(failingTransaction(`tx-${round}`).catch(() => 'rolled back'));
        for (let write = 0; write < 4; write += 1) {
          const name = `plain-${round}-${write}`;
          // Through the repository API too, whose save() opens a transaction of its own.
          const written =
            write % 2 === 0
              ? query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', [name, 'plain'])
              : dataSource.createQueryBuilder().insert().into('item').values({ name, origin: 'plain' }).execute();
          work.push(written.then(() => acknowledged.push(name)));
        }
      }
      await Promise.all(work);
      expect(acknowledged).toHaveLength(32);
      expect(await names('plain')).toEqual([...acknowledged].sort());
      expect(await names('failed')).toEqual([]);
    });

    it('a reader never sees rows of a transaction that is later rolled back', async () => {
      await query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', ['taken', 'seed']);
      let signalOpened!: () => void;
      const opened = new Promise<void>((resolve) => (signalOpened = resolve));
      const failing = failingTransaction('dirty', signalOpened).catch(() => undefined);
      await opened;
      const seen = await names('failed');
      await failing;
      expect(seen).toEqual([]);
    });

    it('overlapping transactions run one after another and all commit', async () => {
      const work = Array.from({ length: 10 }, (_, index) =>
        transactions.run(async (manager) => {
          await query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', [`t${index}`, 'committed'], manager);
          await pause(2);
        }),
      );
      await Promise.all(work);
      expect(await names('committed')).toHaveLength(10);
    });

    it('a failed transaction rolls back and does not block the next one', async () => {
      const failing = transactions.run(async (manager) => {
        await query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', ['a', 'failed'], manager);
        throw new Error('boom');
      });
      const following = transactions.run((manager) => query('INSERT INTO "item" ("name", "origin") VALUES (?, ?)', ['b', 'committed'], manager));
      await expect(failing).rejects.toThrow('boom');
      await following;
      expect(await names('failed')).toEqual([]);
      expect(await names('committed')).toEqual(['b']);
    });

    // Only SQLite's single connection could deadlock; a pool gives the stray statement a connection of its own.
    it.skipIf(database.postgres)('a statement that bypasses the transaction\'s manager fails fast instead of deadlocking', async () => {
      const attempt = transactions.run(async () => {
        await dataSource.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow(/EntityManager/);
      expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });
  });
}

describe('SQLite without the gate (why it exists)', () => {
  it('a plain write made during a failing transaction is rolled back with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelport-medium-tx-raw-'));
    const dataSource = new DataSource(dataSourceOptions(dir));
    await dataSource.initialize();
    try {
      await dataSource.query('CREATE TABLE "item" ("name" varchar PRIMARY KEY NOT NULL)');
      let signalOpened!: () => void;
      const opened = new Promise<void>((resolve) => (signalOpened = resolve));
      let signalWritten!: () => void;
      const written = new Promise<void>((resolve) => (signalWritten = resolve));
      const failing = dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO "item" ("name") VALUES (?)', ['partial']);
        signalOpened();
        await written;
        throw new Error('constraint');
      });
      await opened;
      await dataSource.query('INSERT INTO "item" ("name") VALUES (?)', ['acknowledged']);
      signalWritten();
      await expect(failing).rejects.toThrow('constraint');
      expect(await dataSource.query('SELECT "name" FROM "item"')).toEqual([]);
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
