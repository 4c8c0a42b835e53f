import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { AuditLogEntity } from './audit-log.entity.js';

export type NewAuditRow = Omit<AuditLogEntity, 'id'>;

export interface AuditQuery {
  action?: string;
  actor?: string;
  outcome?: 'success' | 'failure';
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditLogEntity) private readonly rows: Repository<AuditLogEntity>) {}

  async insert(row: NewAuditRow): Promise<void> {
    await this.rows.insert(row);
  }

  /** Deletes rows written before `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.rows.delete({ createdAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  /** Newest first; the autoincrement id is the insertion order, immune to clock steps. */
  async list(query: AuditQuery): Promise<{ items: AuditLogEntity[]; total: number }> {
    const where: FindOptionsWhere<AuditLogEntity> = {};
    if (query.action !== undefined) where.action = query.action;
    if (query.actor !== undefined) where.actorUsername = query.actor;
    if (query.outcome !== undefined) where.outcome = query.outcome;
    const from = query.from !== undefined ? MoreThanOrEqual(new Date(query.from)) : undefined;
    const to = query.to !== undefined ? LessThan(new Date(query.to)) : undefined;
    if (from && to) where.createdAt = And(from, to);
    else if (from ?? to) where.createdAt = from ?? to;
    const [items, total] = await this.rows.findAndCount({ where, order: { id: 'DESC' }, take: query.limit, skip: query.offset });
    return { items, total };
  }
}
