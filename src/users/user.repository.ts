import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Role } from '../auth/auth.types.js';
import { isUniqueViolation, SqlDialect } from '../database/sql-dialect.js';
import { UserEntity } from './user.entity.js';

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: Date;
  passwordChangeRequired?: boolean;
}

export interface UserChanges {
  role?: Role;
  passwordHash?: string;
  /** Invalidates every access token issued so far. */
  endSessions?: boolean;
  passwordChangeRequired?: boolean;
  updatedAt: Date;
}

/** Persistence of internal users. The last-admin rule is also enforced here, atomically. */
@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** Case-insensitive, like the column's uniqueness. */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('user')
      .where(new SqlDialect(this.users.manager.connection).equalsIgnoringCase('user.username', 'username'), { username })
      .getOne();
  }

  async list(page: { limit: number; offset: number }): Promise<{ items: UserEntity[]; total: number }> {
    const [items, total] = await this.users.findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }

  count(): Promise<number> {
    return this.users.count();
  }

  countAdmins(): Promise<number> {
    return this.users.countBy({ role: Role.Admin });
  }

  /** Returns null when the username is taken (the unique index decides, so races are safe). */
  async create(user: NewUser): Promise<UserEntity | null> {
    // Checked first because TypeORM logs a failed INSERT with its parameters, hash included.
    if (await this.findByUsername(user.username)) return null;
    const entity = this.users.create({ ...user, passwordChangeRequired: user.passwordChangeRequired ?? false, id: randomUUID(), sessionVersion: 0, updatedAt: user.createdAt });
    try {
      await this.users.insert(entity);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return entity;
  }

  /**
   * Applies changes; a role change away from admin only happens while another admin exists,
   * checked in the same statement so two concurrent demotions cannot remove every admin.
   * Returns false when that guard refused (or the user is gone).
   */
  async update(id: string, changes: UserChanges): Promise<boolean> {
    const values: QueryDeepPartialEntity<UserEntity> = { updatedAt: changes.updatedAt };
    if (changes.role !== undefined) values.role = changes.role;
    if (changes.passwordHash !== undefined) values.passwordHash = changes.passwordHash;
    if (changes.passwordChangeRequired !== undefined) values.passwordChangeRequired = changes.passwordChangeRequired;
    if (changes.endSessions) values.sessionVersion = () => '"sessionVersion" + 1';
    const query = this.users.createQueryBuilder().update(UserEntity).set(values).where('id = :id', { id });
    if (changes.role !== undefined && changes.role !== Role.Admin) {
      query.andWhere(`(role != 'admin' OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1)`);
    }
    const result = await query.execute();
    return (result.affected ?? 0) > 0;
  }

  /** Deletes unless it would remove the last admin (checked atomically). Returns whether a row went. */
  async deleteKeepingAnAdmin(id: string): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .delete()
      .from(UserEntity)
      .where('id = :id', { id })
      .andWhere(`(role != 'admin' OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1)`)
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
