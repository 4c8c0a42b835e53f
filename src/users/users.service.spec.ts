import { beforeEach, describe, expect, it } from 'vitest';
import { Role } from '../auth/auth.types.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import type { RefreshTokenRepository } from '../auth/refresh-token.repository.js';
import { SessionRegistry } from '../auth/session-registry.js';
import { FakeClock, FakeCrypto, FakePasswordHasher, FakeRefreshTokenRepository, FakeUserRepository } from '../auth/testing/fakes.js';
import { ApiError } from '../common/api-error.js';
import type { UserRepository } from './user.repository.js';
import { UsersService } from './users.service.js';

async function errorCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return (error as ApiError).code;
}

describe('UsersService', () => {
  let users: FakeUserRepository;
  let tokens: FakeRefreshTokenRepository;
  let clock: FakeClock;
  let service: UsersService;

  beforeEach(() => {
    users = new FakeUserRepository();
    tokens = new FakeRefreshTokenRepository();
    clock = new FakeClock();
    const sessions = new SessionRegistry(tokens as unknown as RefreshTokenRepository, new FakeCrypto(), clock);
    service = new UsersService(users as unknown as UserRepository, sessions, new FakePasswordHasher() as unknown as PasswordHasher, clock);
  });

  it('creates users without ever returning the hash, and refuses duplicate usernames case-insensitively', async () => {
    const created = await service.create({ username: 'Ops.1', password: 'long-enough', role: Role.Operator });
    expect(created).toEqual({ id: expect.any(String), username: 'Ops.1', role: Role.Operator, createdAt: clock.now().toISOString(), updatedAt: clock.now().toISOString() });
    expect(JSON.stringify(created)).not.toContain('hashed');
    expect(users.rows.get(created.id)!.passwordHash).toBe('hashed:long-enough');
    expect(await errorCode(service.create({ username: 'ops.1', password: 'another-one', role: Role.Viewer }))).toBe('USERNAME_TAKEN');
  });

  it('reports unknown ids as USER_NOT_FOUND', async () => {
    expect(await errorCode(service.get('missing'))).toBe('USER_NOT_FOUND');
    expect(await errorCode(service.update('missing', { role: Role.Viewer }))).toBe('USER_NOT_FOUND');
    expect(await errorCode(service.delete('missing'))).toBe('USER_NOT_FOUND');
  });

  describe('last-admin rule', () => {
    it('refuses to delete or demote the only admin', async () => {
      const admin = await service.create({ username: 'root', password: 'long-enough', role: Role.Admin });
      await service.create({ username: 'op', password: 'long-enough', role: Role.Operator });
      expect(await errorCode(service.delete(admin.id))).toBe('LAST_ADMIN');
      expect(await errorCode(service.update(admin.id, { role: Role.Viewer }))).toBe('LAST_ADMIN');
      expect(users.rows.get(admin.id)!.role).toBe(Role.Admin);
    });

    it('allows it once another admin exists, and then protects the remaining one', async () => {
      const first = await service.create({ username: 'root', password: 'long-enough', role: Role.Admin });
      const second = await service.create({ username: 'root2', password: 'long-enough', role: Role.Admin });
      await expect(service.update(first.id, { role: Role.Operator })).resolves.toMatchObject({ role: Role.Operator });
      expect(await errorCode(service.delete(second.id))).toBe('LAST_ADMIN');
      await expect(service.update(first.id, { role: Role.Admin })).resolves.toMatchObject({ role: Role.Admin });
      await service.delete(second.id);
      expect(await users.countAdmins()).toBe(1);
    });

    it('lets the only admin change their own password (not a demotion)', async () => {
      const admin = await service.create({ username: 'root', password: 'long-enough', role: Role.Admin });
      await expect(service.update(admin.id, { password: 'a-new-password', role: Role.Admin })).resolves.toMatchObject({ role: Role.Admin });
    });
  });

  it('a demotion ends the user’s sessions; a promotion does not', async () => {
    await service.create({ username: 'root', password: 'long-enough', role: Role.Admin });
    const user = await service.create({ username: 'oper', password: 'long-enough', role: Role.Operator });
    await tokens.create({ userId: user.id, familyId: 'f1', tokenHash: 'h1', sessionKeyHash: 'k1', expiresAt: clock.now(), createdAt: clock.now() });
    await service.update(user.id, { role: Role.Admin });
    expect(tokens.rows[0].revokedAt).toBeNull();
    await service.update(user.id, { role: Role.Viewer });
    expect(tokens.rows[0].revokedAt).toEqual(clock.now());
    expect(users.rows.get(user.id)!.sessionVersion).toBe(1);
  });

  it('a password reset by an admin ends the user’s sessions; a promotion does not', async () => {
    const user = await service.create({ username: 'viewer', password: 'long-enough', role: Role.Viewer });
    await tokens.create({ userId: user.id, familyId: 'f1', tokenHash: 'h1', sessionKeyHash: 'k1', expiresAt: clock.now(), createdAt: clock.now() });
    await service.update(user.id, { role: Role.Operator });
    expect(tokens.rows[0].revokedAt).toBeNull();
    expect(users.rows.get(user.id)!.sessionVersion).toBe(0);
    await service.update(user.id, { password: 'reset-password' });
    expect(tokens.rows[0].revokedAt).toEqual(clock.now());
    expect(users.rows.get(user.id)!.passwordHash).toBe('hashed:reset-password');
    expect(users.rows.get(user.id)!.sessionVersion).toBe(1);
  });
});
