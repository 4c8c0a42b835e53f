import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../common/api-error.js';
import type { UserRepository } from '../users/user.repository.js';
import type { AccessTokenIssuer } from './access-token.issuer.js';
import { AuthService } from './auth.service.js';
import { Role } from './auth.types.js';
import { LoginThrottle } from './login-throttle.js';
import { MemoryRateLimiterStore } from '../common/rate-limiter-store.js';
import type { PasswordHasher } from './password-hasher.js';
import type { RefreshTokenRepository } from './refresh-token.repository.js';
import { SessionRegistry } from './session-registry.js';
import { FakeClock, fakeConfig, FakeCrypto, FakePasswordHasher, FakeRefreshTokenRepository, FakeUserRepository } from './testing/fakes.js';

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('AuthService', () => {
  const IP = '203.0.113.9';
  let clock: FakeClock;
  let users: FakeUserRepository;
  let tokens: FakeRefreshTokenRepository;
  let hasher: FakePasswordHasher;
  let service: AuthService;
  let alice: { id: string; username: string; role: Role };

  beforeEach(async () => {
    clock = new FakeClock();
    users = new FakeUserRepository();
    tokens = new FakeRefreshTokenRepository();
    hasher = new FakePasswordHasher();
    const config = fakeConfig({ loginMaxFailures: 3, loginFailureWindowSeconds: 60, refreshTokenTtlSeconds: 3600 });
    const issuer = { ttlSeconds: 900, issue: async (user: { id: string; role: string }, sv: number) => `jwt:${user.id}:${user.role}:${sv}` } as unknown as AccessTokenIssuer;
    service = new AuthService(
      config,
      users as unknown as UserRepository,
      tokens as unknown as RefreshTokenRepository,
      hasher as unknown as PasswordHasher,
      new FakeCrypto(),
      clock,
      new LoginThrottle(config, new MemoryRateLimiterStore()),
      issuer,
      new SessionRegistry(tokens as unknown as RefreshTokenRepository, new FakeCrypto(), clock),
    );
    const created = await users.create({ username: 'alice', passwordHash: 'hashed:correct horse', role: Role.Operator, createdAt: clock.now() });
    alice = { id: created!.id, username: 'alice', role: Role.Operator };
  });

  describe('login', () => {
    it('returns an access token, a refresh token stored only as a hash, and the user', async () => {
      const session = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      expect(session).toEqual({ accessToken: `jwt:${alice.id}:operator:0`, refreshToken: expect.any(String), expiresIn: 900, user: alice });
      expect(tokens.rows).toHaveLength(1);
      expect(tokens.rows[0].tokenHash).toBe(`sha256(${session.refreshToken})`);
      expect(tokens.rows[0].expiresAt.getTime()).toBe(clock.now().getTime() + 3600_000);
    });

    it('answers a wrong password and an unknown user the same way, hashing in both cases', async () => {
      const wrong = await rejection(service.login({ username: 'alice', password: 'nope' }, IP));
      const unknown = await rejection(service.login({ username: 'mallory', password: 'nope' }, '198.51.100.1'));
      expect([wrong.getStatus(), wrong.code, wrong.message]).toEqual([401, 'INVALID_CREDENTIALS', unknown.message]);
      expect([unknown.getStatus(), unknown.code]).toEqual([401, 'INVALID_CREDENTIALS']);
      expect(hasher.dummyChecks).toBe(1);
      expect(tokens.rows).toHaveLength(0);
    });

    it('refuses one address with 429 and Retry-After after too many failures, even with the right password; others get in', async () => {
      vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
      try {
        for (let i = 0; i < 3; i++) {
          expect((await rejection(service.login({ username: 'alice', password: 'bad' }, '10.0.0.1'))).code).toBe('INVALID_CREDENTIALS');
        }
        vi.advanceTimersByTime(10_000);
        const throttled = await rejection(service.login({ username: 'ALICE', password: 'correct horse' }, '10.0.0.1'));
        expect(throttled.getStatus()).toBe(429);
        expect(throttled.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
        expect(throttled.headers).toEqual({ 'Retry-After': '50' });
        await expect(service.login({ username: 'alice', password: 'correct horse' }, '10.0.1.1')).resolves.toMatchObject({ user: alice });
        vi.advanceTimersByTime(50_000);
        await expect(service.login({ username: 'alice', password: 'correct horse' }, '10.0.0.1')).resolves.toMatchObject({ user: alice });
      } finally {
        vi.useRealTimers();
      }
    });

    it('failures from strangers never stop the owner logging in or changing the password', async () => {
      for (let i = 0; i < 20; i++) await rejection(service.login({ username: 'alice', password: 'bad' }, `192.0.2.${i + 100}`));
      await expect(service.login({ username: 'alice', password: 'correct horse' }, IP)).resolves.toMatchObject({ user: alice });
      await expect(service.changePassword(alice, { currentPassword: 'correct horse', newPassword: 'battery staple' }, IP)).resolves.toBeDefined();
    });

    it('throttles one IP spraying many usernames', async () => {
      for (let i = 0; i < 10; i++) await rejection(service.login({ username: `name-${i}`, password: 'x' }, IP));
      expect((await rejection(service.login({ username: 'alice', password: 'correct horse' }, IP))).code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
      await expect(service.login({ username: 'alice', password: 'correct horse' }, '198.51.100.7')).resolves.toBeDefined();
    });
  });

  describe('refresh', () => {
    it('rotates: the new pair works, the old refresh token is used up', async () => {
      const first = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      const second = await service.refresh(first.refreshToken);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.user).toEqual(alice);
      expect(tokens.rows.map((row) => row.familyId)).toEqual([tokens.rows[0].familyId, tokens.rows[0].familyId]);
      await expect(service.refresh(second.refreshToken)).resolves.toBeDefined();
    });

    it('a reused token revokes the whole family, including the newer token', async () => {
      const first = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      const other = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      const second = await service.refresh(first.refreshToken);
      expect((await rejection(service.refresh(first.refreshToken))).code).toBe('REFRESH_TOKEN_REUSED');
      expect((await rejection(service.refresh(second.refreshToken))).code).toBe('REFRESH_TOKEN_REVOKED');
      // Another login's family is untouched.
      await expect(service.refresh(other.refreshToken)).resolves.toBeDefined();
    });

    it('rejects unknown and expired tokens', async () => {
      expect((await rejection(service.refresh('never-issued'))).code).toBe('REFRESH_TOKEN_INVALID');
      const session = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      clock.advance(3600_000);
      expect((await rejection(service.refresh(session.refreshToken))).code).toBe('REFRESH_TOKEN_EXPIRED');
    });

    it('issues the token with the role the user has now', async () => {
      const session = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      await users.update(alice.id, { role: Role.Viewer, updatedAt: clock.now() });
      expect((await service.refresh(session.refreshToken)).user.role).toBe(Role.Viewer);
    });
  });

  describe('logout', () => {
    it('revokes the family of the given token only when it is the caller’s', async () => {
      const session = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      const intruder = { id: 'someone-else', username: 'eve', role: Role.Admin };
      await service.logout(intruder, session.refreshToken);
      await expect(service.refresh(session.refreshToken)).resolves.toBeDefined();
      const latest = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      await service.logout(alice, latest.refreshToken);
      expect((await rejection(service.refresh(latest.refreshToken))).code).toBe('REFRESH_TOKEN_REVOKED');
    });

    it('without a token revokes every login of the caller, access tokens included', async () => {
      const one = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      const two = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      await service.logout(alice, undefined);
      expect((await users.findById(alice.id))!.sessionVersion).toBe(1);
      expect((await rejection(service.refresh(one.refreshToken))).code).toBe('REFRESH_TOKEN_REVOKED');
      expect((await rejection(service.refresh(two.refreshToken))).code).toBe('REFRESH_TOKEN_REVOKED');
    });
  });

  describe('changePassword', () => {
    it('checks the current password, stores the new hash, ends every session and opens a fresh one', async () => {
      const session = await service.login({ username: 'alice', password: 'correct horse' }, IP);
      const fresh = await service.changePassword(alice, { currentPassword: 'correct horse', newPassword: 'battery staple' }, IP);
      expect((await users.findById(alice.id))!.passwordHash).toBe('hashed:battery staple');
      expect(fresh.accessToken).toBe(`jwt:${alice.id}:operator:1`);
      await expect(service.refresh(fresh.refreshToken)).resolves.toBeDefined();
      expect((await rejection(service.refresh(session.refreshToken))).code).toBe('REFRESH_TOKEN_REVOKED');
      await expect(service.login({ username: 'alice', password: 'battery staple' }, IP)).resolves.toBeDefined();
    });

    it('refuses a wrong current password and counts it as a failed login', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await rejection(service.changePassword(alice, { currentPassword: 'guess', newPassword: 'whatever1' }, IP))).code).toBe('INVALID_CURRENT_PASSWORD');
      }
      expect((await users.findById(alice.id))!.passwordHash).toBe('hashed:correct horse');
      expect((await rejection(service.changePassword(alice, { currentPassword: 'correct horse', newPassword: 'whatever1' }, IP))).code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    });
  });
});
