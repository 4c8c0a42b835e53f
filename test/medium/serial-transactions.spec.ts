import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { SerialTransactions } from '../../src/database/serial-transactions.js';

describe('SerialTransactions on the real sqlite3 driver', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modelport-medium-tx-'));
    dataSource = new DataSource(dataSourceOptions(dir));
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE "counter" ("n" integer NOT NULL)');
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('overlapping raw transactions collide on the single connection (why the class exists)', async () => {
    const slow = (value: number) =>
      dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO "counter" ("n") VALUES (?)', [value]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      });
    const outcomes = await Promise.allSettled([slow(1), slow(2), slow(3)]);
    expect(outcomes.some((outcome) => outcome.status === 'rejected')).toBe(true);
    await dataSource.query('DELETE FROM "counter"');
  });

  it('runs overlapping transactions one after another, all committed', async () => {
    const transactions = new SerialTransactions(dataSource);
    const work = Array.from({ length: 10 }, (_, index) =>
      transactions.run(async (manager) => {
        await manager.query('INSERT INTO "counter" ("n") VALUES (?)', [index]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }),
    );
    await Promise.all(work);
    const [{ count }] = await dataSource.query('SELECT COUNT(*) AS count FROM "counter"');
    expect(Number(count)).toBe(10);
  });

  it('a failed transaction rolls back and does not block the next one', async () => {
    const transactions = new SerialTransactions(dataSource);
    const failing = transactions.run(async (manager) => {
      await manager.query('INSERT INTO "counter" ("n") VALUES (?)', [100]);
      throw new Error('boom');
    });
    const following = transactions.run((manager) => manager.query('INSERT INTO "counter" ("n") VALUES (?)', [101]));
    await expect(failing).rejects.toThrow('boom');
    await following;
    const rows: Array<{ n: number }> = await dataSource.query('SELECT "n" FROM "counter" WHERE "n" >= 100');
    expect(rows.map((row) => row.n)).toEqual([101]);
  });
});
