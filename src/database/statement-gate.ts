import { AsyncLocalStorage } from 'node:async_hooks';
import AsyncLock from 'async-lock';
import { DataSource, DataSourceOptions, EntityManager, QueryRunner } from 'typeorm';
import { SqliteQueryRunner } from 'typeorm/driver/sqlite/SqliteQueryRunner.js';
import type { SqliteDriver } from 'typeorm/driver/sqlite/SqliteDriver.js';

const GATE_KEY = 'connection';

/**
 * The one place every SQLite statement passes through.
 *
 * The sqlite3 driver has a single connection. Out of the box typeorm hands every caller the same
 * query runner, so a plain write that arrives while another caller's transaction is open runs
 * inside that transaction and is rolled back with it. Here each caller gets its own session on the
 * shared connection, and a mutex owns the connection: a session that opens a transaction holds it
 * until commit or rollback, and every statement of any other session waits for it. A statement
 * therefore only ever runs inside the transaction of the session that issued it.
 */
export class StatementGate {
  private readonly lock = new AsyncLock({ maxPending: Number.POSITIVE_INFINITY });
  /** The async context of the transaction that holds the connection, to catch statements that bypass its manager. */
  private readonly owner = new AsyncLocalStorage<GatedSqliteQueryRunner>();
  holder: GatedSqliteQueryRunner | null = null;

  /** Waits for the connection, keeps it until the returned release is called. */
  acquire(session: GatedSqliteQueryRunner): Promise<() => void> {
    if (this.holder && this.owner.getStore() === this.holder) {
      // Waiting here would deadlock: the transaction awaits a statement that awaits the transaction.
      return Promise.reject(new Error('A statement inside a transaction must use the transaction\'s EntityManager'));
    }
    return new Promise((resolve, reject) => {
      this.lock
        .acquire(GATE_KEY, (done) => {
          this.holder = session;
          resolve(() => {
            if (this.holder === session) this.holder = null;
            done();
          });
        })
        .catch(reject);
    });
  }

  /** Runs `work` in a transaction, marking its async context so that misuse fails fast. */
  transaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return dataSource.transaction((manager) => this.owner.run(manager.queryRunner as GatedSqliteQueryRunner, () => work(manager)));
  }

  get busy(): boolean {
    return this.lock.isBusy(GATE_KEY);
  }
}

/** A session on the shared sqlite3 connection whose statements pass through the gate. */
export class GatedSqliteQueryRunner extends SqliteQueryRunner {
  private releaseConnection: (() => void) | null = null;

  constructor(
    driver: SqliteDriver,
    private readonly gate: StatementGate,
  ) {
    super(driver);
  }

  override async query(query: string, parameters?: unknown[], useStructuredResult = false): Promise<any> {
    if (this.releaseConnection) return super.query(query, parameters, useStructuredResult);
    const release = await this.gate.acquire(this);
    try {
      return await super.query(query, parameters, useStructuredResult);
    } finally {
      release();
    }
  }

  override async startTransaction(isolationLevel?: Parameters<QueryRunner['startTransaction']>[0]): Promise<void> {
    const outermost = !this.releaseConnection;
    if (outermost) this.releaseConnection = await this.gate.acquire(this);
    try {
      await super.startTransaction(isolationLevel);
    } catch (error) {
      if (outermost) this.letGo();
      throw error;
    }
  }

  override async commitTransaction(): Promise<void> {
    await super.commitTransaction();
    if (!this.isTransactionActive) this.letGo();
  }

  override async rollbackTransaction(): Promise<void> {
    try {
      await super.rollbackTransaction();
    } finally {
      if (!this.isTransactionActive) this.letGo();
    }
  }

  /** A session released with its transaction still open (a failed COMMIT and ROLLBACK) rolls it back before letting go. */
  override async release(): Promise<void> {
    if (this.releaseConnection && this.isTransactionActive) {
      try {
        await super.query('ROLLBACK');
      } catch {
        // SQLite already ended the transaction by itself.
      }
      this.isTransactionActive = false;
      this.transactionDepth = 0;
    }
    this.letGo();
    return super.release();
  }

  private letGo(): void {
    const release = this.releaseConnection;
    this.releaseConnection = null;
    release?.();
  }
}

const gates = new WeakMap<DataSource, StatementGate>();

/** A DataSource whose SQLite statements all pass through one gate. Other drivers have a pool, one connection per transaction, and are returned as they are. */
export function createGatedDataSource(options: DataSourceOptions): DataSource {
  const dataSource = new DataSource(options);
  if (options.type !== 'sqlite') return dataSource;
  const gate = new StatementGate();
  const driver = dataSource.driver as SqliteDriver;
  driver.createQueryRunner = () => new GatedSqliteQueryRunner(driver, gate);
  gates.set(dataSource, gate);
  return dataSource;
}

export function statementGateOf(dataSource: DataSource): StatementGate | undefined {
  return gates.get(dataSource);
}
