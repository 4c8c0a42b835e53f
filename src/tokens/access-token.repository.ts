import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { SerialTransactions } from '../database/serial-transactions.js';
import { SqlDialect } from '../database/sql-dialect.js';
import { AccessTokenEntity } from './access-token.entity.js';
import type { AccessTokenRecord, AccessTokenStatus } from './access-token.types.js';

export interface AccessTokenListQuery {
  status?: AccessTokenStatus;
  search?: string;
  limit: number;
  offset: number;
  /** ISO time that decides which tokens count as expired. */
  now: string;
}

export interface UsageIncrement {
  tokenId: string;
  month: string;
  count: number;
}

/** Storage of access tokens and their monthly usage counters. */
export abstract class AccessTokenRepository {
  abstract insert(record: AccessTokenRecord): Promise<void>;
  abstract findById(id: string): Promise<AccessTokenRecord | null>;
  abstract findBySecretHash(secretHash: string): Promise<AccessTokenRecord | null>;
  abstract update(id: string, changes: Partial<Omit<AccessTokenRecord, 'id'>>): Promise<void>;
  abstract list(query: AccessTokenListQuery): Promise<{ items: AccessTokenRecord[]; total: number }>;
  /** Usage counts of these tokens in one month; tokens without a row are absent. */
  abstract usageCounts(tokenIds: readonly string[], month: string): Promise<Map<string, number>>;
  /** Adds increments to the counters and moves lastUsedAt forward, in one transaction. */
  abstract recordUsage(increments: readonly UsageIncrement[], lastUsed: ReadonlyMap<string, string>): Promise<void>;
  /** False once the database connection is closed (late flushes during shutdown). */
  abstract isAvailable(): boolean;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

@Injectable()
export class TypeOrmAccessTokenRepository extends AccessTokenRepository {
  private readonly dialect: SqlDialect;

  constructor(
    @InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>,
    private readonly dataSource: DataSource,
    private readonly transactions: SerialTransactions,
  ) {
    super();
    this.dialect = new SqlDialect(dataSource);
  }

  async insert(record: AccessTokenRecord): Promise<void> {
    await this.tokens.insert(record);
  }

  async findById(id: string): Promise<AccessTokenRecord | null> {
    return this.tokens.findOneBy({ id });
  }

  async findBySecretHash(secretHash: string): Promise<AccessTokenRecord | null> {
    return this.tokens.findOneBy({ secretHash });
  }

  async update(id: string, changes: Partial<Omit<AccessTokenRecord, 'id'>>): Promise<void> {
    await this.tokens.update({ id }, changes);
  }

  async list(query: AccessTokenListQuery): Promise<{ items: AccessTokenRecord[]; total: number }> {
    const builder = this.tokens.createQueryBuilder('token');
    switch (query.status) {
      case 'revoked':
        builder.andWhere('token.revokedAt IS NOT NULL');
        break;
      case 'disabled':
        builder.andWhere('token.revokedAt IS NULL AND token.disabledAt IS NOT NULL');
        break;
      case 'expired':
        builder.andWhere('token.revokedAt IS NULL AND token.disabledAt IS NULL AND token.expiresAt IS NOT NULL AND token.expiresAt <= :now', { now: query.now });
        break;
      case 'active':
        builder.andWhere('token.revokedAt IS NULL AND token.disabledAt IS NULL AND (token.expiresAt IS NULL OR token.expiresAt > :now)', { now: query.now });
        break;
    }
    if (query.search) {
      builder.andWhere(`token.name ${this.dialect.like} :pattern ESCAPE '\\'`, { pattern: `%${escapeLike(query.search)}%` });
    }
    const [items, total] = await builder
      .orderBy('token.createdAt', 'DESC')
      .addOrderBy('token.id', 'ASC')
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    return { items, total };
  }

  async usageCounts(tokenIds: readonly string[], month: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    // SQLite caps bound parameters, so large id lists go in slices.
    for (let start = 0; start < tokenIds.length; start += 500) {
      const slice = tokenIds.slice(start, start + 500);
      const placeholders = slice.map(() => '?').join(',');
      const rows: Array<{ tokenId: string; count: number }> = await this.dataSource.query(
        this.dialect.positional(`SELECT "tokenId", "count" FROM "access_token_usage" WHERE "month" = ? AND "tokenId" IN (${placeholders})`),
        [month, ...slice],
      );
      for (const row of rows) counts.set(row.tokenId, Number(row.count));
    }
    return counts;
  }

  async recordUsage(increments: readonly UsageIncrement[], lastUsed: ReadonlyMap<string, string>): Promise<void> {
    await this.transactions.run(async (manager) => {
      for (const increment of increments) {
        // A token deleted from the table meanwhile simply loses its counts (no foreign-key error).
        // The casts tell PostgreSQL the parameters' types, which a SELECT list does not.
        await manager.query(
          this.dialect.positional(`INSERT INTO "access_token_usage" ("tokenId", "month", "count")
           SELECT CAST(? AS varchar), CAST(? AS varchar), CAST(? AS integer) WHERE EXISTS (SELECT 1 FROM "access_tokens" WHERE "id" = ?)
           ON CONFLICT ("tokenId", "month") DO UPDATE SET "count" = "access_token_usage"."count" + excluded."count"`),
          [increment.tokenId, increment.month, increment.count, increment.tokenId],
        );
      }
      for (const [tokenId, at] of lastUsed) {
        await manager.query(
          this.dialect.positional(`UPDATE "access_tokens" SET "lastUsedAt" = ? WHERE "id" = ? AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ?)`),
          [at, tokenId, at],
        );
      }
    });
  }

  isAvailable(): boolean {
    return this.dataSource.isInitialized;
  }
}
