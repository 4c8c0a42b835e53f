import { Global, Module } from '@nestjs/common';
import { SerialTransactions } from './serial-transactions.js';

@Global()
@Module({ providers: [SerialTransactions], exports: [SerialTransactions] })
export class DatabaseModule {}
