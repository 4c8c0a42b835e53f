import { AppConfig } from '../../config/app-config.js';
import type { Clock } from '../../common/clock.js';
import type { UserEntity } from '../../users/user.entity.js';
import type { NewUser, UserChanges, UserRepository } from '../../users/user.repository.js';
import { Role } from '../auth.types.js';
import type { CryptoRepository } from '../crypto.repository.js';
import type { PasswordHasher } from '../password-hasher.js';
import type { RefreshTokenEntity } from '../refresh-token.entity.js';
import type { NewRefreshToken, RefreshTokenRepository } from '../refresh-token.repository.js';

/** In-memory stand-ins for the auth and users ports, with the same semantics as the SQLite ones. */

export class FakeClock implements Clock {
  constructor(public current = new Date('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function fakeConfig(auth: Partial<AppConfig['auth']> = {}): AppConfig {
  return {
    server: { trustedProxies: [] },
    auth: {
      jwtSecret: 'unit-test-secret',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 3600,
      adminUsername: 'admin',
      adminPassword: '',
      loginMaxFailures: 3,
      loginMaxFailuresPerAddress: 10,
      loginFailureWindowSeconds: 60,
      loginUsernameBackoffSeconds: 30,
      ...auth,
    },
  } as unknown as AppConfig;
}

let sequence = 0;

export class FakeCrypto implements CryptoRepository {
  randomSecret(): string {
    return `secret-${++sequence}`;
  }
  randomId(): string {
    return `id-${++sequence}`;
  }
  sha256(value: string): string {
    return `sha256(${value})`;
  }
}

/** Reversible on purpose: tests read which password a hash holds. */
export class FakePasswordHasher implements Pick<PasswordHasher, 'hash' | 'verify' | 'verifyAgainstDummy'> {
  dummyChecks = 0;
  async hash(password: string): Promise<string> {
    return `hashed:${password}`;
  }
  async verify(password: string, stored: string): Promise<boolean> {
    return stored === `hashed:${password}`;
  }
  async verifyAgainstDummy(): Promise<false> {
    this.dummyChecks++;
    return false;
  }
}

export class FakeUserRepository implements Pick<UserRepository, keyof UserRepository> {
  readonly rows = new Map<string, UserEntity>();

  async findById(id: string): Promise<UserEntity | null> {
    return this.rows.get(id) ?? null;
  }
  async findByUsername(username: string): Promise<UserEntity | null> {
    return [...this.rows.values()].find((user) => user.username.toLowerCase() === username.toLowerCase()) ?? null;
  }
  async list(page: { limit: number; offset: number }): Promise<{ items: UserEntity[]; total: number }> {
    const all = [...this.rows.values()];
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }
  async count(): Promise<number> {
    return this.rows.size;
  }
  async countAdmins(): Promise<number> {
    return [...this.rows.values()].filter((user) => user.role === Role.Admin).length;
  }
  async create(user: NewUser): Promise<UserEntity | null> {
    if (await this.findByUsername(user.username)) return null;
    const entity: UserEntity = { ...user, passwordChangeRequired: user.passwordChangeRequired ?? false, id: `user-${++sequence}`, sessionVersion: 0, updatedAt: user.createdAt };
    this.rows.set(entity.id, entity);
    return { ...entity };
  }
  async update(id: string, changes: UserChanges): Promise<boolean> {
    const user = this.rows.get(id);
    if (!user) return false;
    if (changes.role !== undefined && changes.role !== Role.Admin && user.role === Role.Admin && (await this.countAdmins()) <= 1) return false;
    if (changes.role !== undefined) user.role = changes.role;
    if (changes.passwordHash !== undefined) user.passwordHash = changes.passwordHash;
    if (changes.passwordChangeRequired !== undefined) user.passwordChangeRequired = changes.passwordChangeRequired;
    if (changes.endSessions) user.sessionVersion++;
    user.updatedAt = changes.updatedAt;
    return true;
  }
  async deleteKeepingAnAdmin(id: string): Promise<boolean> {
    const user = this.rows.get(id);
    if (!user) return false;
    if (user.role === Role.Admin && (await this.countAdmins()) <= 1) return false;
    return this.rows.delete(id);
  }
}

export class FakeRefreshTokenRepository implements Pick<RefreshTokenRepository, keyof RefreshTokenRepository> {
  readonly rows: RefreshTokenEntity[] = [];

  async create(token: NewRefreshToken): Promise<RefreshTokenEntity> {
    const entity: RefreshTokenEntity = { ...token, id: `rt-${++sequence}`, usedAt: null, revokedAt: null };
    this.rows.push(entity);
    return { ...entity };
  }
  async findByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    const row = this.rows.find((token) => token.tokenHash === tokenHash);
    return row ? { ...row } : null;
  }
  async markUsed(id: string, at: Date): Promise<boolean> {
    const row = this.rows.find((token) => token.id === id);
    if (!row || row.usedAt || row.revokedAt) return false;
    row.usedAt = at;
    return true;
  }
  async hasLiveSession(userId: string, sessionKeyHash: string): Promise<boolean> {
    return this.rows.some((token) => token.userId === userId && token.sessionKeyHash === sessionKeyHash && !token.revokedAt);
  }
  async revokeFamily(familyId: string, at: Date): Promise<void> {
    for (const row of this.rows) if (row.familyId === familyId && !row.revokedAt) row.revokedAt = at;
  }
  async revokeAllForUser(userId: string, at: Date): Promise<void> {
    for (const row of this.rows) if (row.userId === userId && !row.revokedAt) row.revokedAt = at;
  }
}
