import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { statementGateOf } from './statement-gate.js';

/**
 * Every module that needs a transaction goes through here. On SQLite the statement gate
 * (`statement-gate.ts`) gives the transaction the single connection to itself until it ends, so
 * neither another transaction nor a plain statement of another request can run inside it; drivers
 * with a pool give each transaction its own connection.
 */
@Injectable()
export class SerialTransactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const gate = statementGateOf(this.dataSource);
    return gate ? gate.transaction(this.dataSource, work) : this.dataSource.transaction(work);
  }
}
