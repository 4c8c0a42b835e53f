import { Injectable } from '@nestjs/common';
import { PasswordHasher } from '../auth/password-hasher.js';
import { ALL_ROLES, Role } from '../auth/auth.types.js';
import { SessionRegistry } from '../auth/session-registry.js';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import type { UserEntity } from './user.entity.js';
import { UserRepository } from './user.repository.js';
import { CreateUserDto, toUserDto, UpdateUserDto, UserDto } from './users.dto.js';

const lastAdmin = () => ApiError.conflict('LAST_ADMIN', 'The last admin cannot be deleted or demoted');

/** Admin management of internal users. There is always at least one admin. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRegistry,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async list(page: { limit: number; offset: number }): Promise<{ items: UserDto[]; total: number }> {
    const result = await this.users.list(page);
    return { items: result.items.map(toUserDto), total: result.total };
  }

  async get(id: string): Promise<UserDto> {
    return toUserDto(await this.require(id));
  }

  async create(input: CreateUserDto): Promise<UserDto> {
    const created = await this.users.create({
      username: input.username,
      passwordHash: await this.hasher.hash(input.password),
      role: input.role,
      createdAt: this.clock.now(),
    });
    if (!created) throw ApiError.conflict('USERNAME_TAKEN', `Username "${input.username}" is already taken`);
    return toUserDto(created);
  }

  /** Role and/or password. A new password or a lower role ends every session of the user (access and refresh tokens). */
  async update(id: string, changes: UpdateUserDto): Promise<UserDto> {
    const user = await this.require(id);
    if (this.isDemotion(user, changes.role) && (await this.users.countAdmins()) <= 1) throw lastAdmin();
    const now = this.clock.now();
    const passwordHash = changes.password === undefined ? undefined : await this.hasher.hash(changes.password);
    const endSessions = passwordHash !== undefined || isLowerRole(user.role, changes.role);
    const applied = await this.users.update(id, { role: changes.role, passwordHash, endSessions, updatedAt: now });
    if (!applied) {
      // The repository's atomic guard refused (a concurrent demotion won) or the user vanished.
      if (await this.users.findById(id)) throw lastAdmin();
      throw notFound();
    }
    if (endSessions) await this.sessions.endAll(id);
    return toUserDto(await this.require(id));
  }

  async delete(id: string): Promise<void> {
    const user = await this.require(id);
    if (user.role === Role.Admin && (await this.users.countAdmins()) <= 1) throw lastAdmin();
    if (!(await this.users.deleteKeepingAnAdmin(id))) {
      if (await this.users.findById(id)) throw lastAdmin();
      throw notFound();
    }
  }

  private isDemotion(user: UserEntity, newRole: Role | undefined): boolean {
    return user.role === Role.Admin && newRole !== undefined && newRole !== Role.Admin;
  }

  private async require(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    return user;
  }
}

/** ALL_ROLES runs from most to least privileged. */
function isLowerRole(current: Role, next: Role | undefined): boolean {
  return next !== undefined && ALL_ROLES.indexOf(next) > ALL_ROLES.indexOf(current);
}

function notFound(): ApiError {
  return ApiError.notFound('USER_NOT_FOUND', 'No user with that id');
}
