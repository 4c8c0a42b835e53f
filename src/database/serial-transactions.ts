import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs database transactions one at a time. The sqlite3 driver keeps a single connection, so two
 * overlapping `dataSource.transaction()` calls would nest and fail with "cannot start a
 * transaction within a transaction". Every module that needs a transaction goes through here.
 */
@Injectable()
export class SerialTransactions {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const next = this.tail.catch(() => undefined).then(() => this.dataSource.transaction(work));
    this.tail = next;
    return next;
  }
}
