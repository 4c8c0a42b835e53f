import type { FastifyRequest } from 'fastify';
import { JwtService } from '@nestjs/jwt';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../common/api-error.js';
import type { UserRepository } from '../users/user.repository.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { ALL_ROLES, Role, WRITE_ROLES } from './auth.types.js';
import { JwtInternalAuthenticator } from './jwt-internal.authenticator.js';
import { sessionJwtService } from './jwt-signing-key.js';
import type { ClusterEvent, ClusterEventListener, ClusterEvents } from '../cluster/cluster-events.js';
import type { RefreshTokenRepository } from './refresh-token.repository.js';
import { SessionRegistry } from './session-registry.js';
import { FakeClock, fakeConfig, FakeCrypto, FakeRefreshTokenRepository, FakeUserRepository } from './testing/fakes.js';

/** The bus as another replica sees it: what this one published, and a way to deliver theirs. */
class RecordingClusterEvents {
  readonly published: ClusterEvent[] = [];
  private listener: ClusterEventListener = () => {};
  async publish(event: ClusterEvent): Promise<void> {
    this.published.push(event);
  }
  subscribe(listener: ClusterEventListener): void {
    this.listener = listener;
  }
  deliver(event: ClusterEvent): void {
    this.listener(event);
  }
}

function requestWith(token?: string): FastifyRequest {
  return { headers: token === undefined ? {} : { 'x-auth-token': token } } as unknown as FastifyRequest;
}

async function refusal(promise: Promise<unknown>): Promise<[number, string]> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return [(error as ApiError).getStatus(), (error as ApiError).code];
}

describe('JwtInternalAuthenticator', () => {
  const config = fakeConfig({ jwtSecret: 'unit-test-secret' });
  let users: FakeUserRepository;
  let authenticator: JwtInternalAuthenticator;
  let issuer: AccessTokenIssuer;
  let viewerToken: string;
  let viewerId: string;
  let viewerSessionKey: string;
  let refreshTokens: FakeRefreshTokenRepository;
  let sessions: SessionRegistry;
  let bus: RecordingClusterEvents;
  const clock = new FakeClock();

  async function startSession(userId: string, familyId: string): Promise<string> {
    const key = sessions.newKey();
    await refreshTokens.create({ userId, familyId, tokenHash: `rt-${familyId}`, sessionKeyHash: key.keyHash, expiresAt: clock.now(), createdAt: clock.now() });
    return key.key;
  }

  beforeEach(async () => {
    users = new FakeUserRepository();
    refreshTokens = new FakeRefreshTokenRepository();
    bus = new RecordingClusterEvents();
    sessions = new SessionRegistry(refreshTokens as unknown as RefreshTokenRepository, new FakeCrypto(), clock, bus as unknown as ClusterEvents);
    sessions.onModuleInit();
    const jwt = sessionJwtService(config.auth.jwtSecret, config.auth.accessTokenTtlSeconds);
    authenticator = new JwtInternalAuthenticator(jwt, users as unknown as UserRepository, sessions);
    issuer = new AccessTokenIssuer(config, jwt);
    const viewer = (await users.create({ username: 'vera', passwordHash: 'x', role: Role.Viewer, createdAt: clock.now() }))!;
    viewerId = viewer.id;
    viewerSessionKey = await startSession(viewer.id, 'family-1');
    viewerToken = await issuer.issue({ id: viewer.id, username: viewer.username, role: viewer.role }, viewer.sessionVersion, viewerSessionKey);
  });

  it('refuses a token signed with the right secret whose session key is guessed, missing or another user’s', async () => {
    const sign = (claims: object) => new JwtService({ secret: 'unit-test-secret' }).signAsync(claims, { issuer: 'modelport', audience: 'modelport-internal' });
    const claims = { sub: viewerId, username: 'vera', role: 'viewer', sv: 0 };
    for (const sid of [undefined, '', 'guessed', 0, 1, viewerId, 'x'.repeat(200)]) {
      expect(await refusal(authenticator.authenticate(requestWith(await sign({ ...claims, sid })), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
    }
    const other = (await users.create({ username: 'otto', passwordHash: 'x', role: Role.Admin, createdAt: clock.now() }))!;
    const othersKey = await startSession(other.id, 'family-otto');
    expect(await refusal(authenticator.authenticate(requestWith(await sign({ ...claims, sid: othersKey })), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
    // The same claims with the real key pass: the refusals above were for the key alone.
    await expect(authenticator.authenticate(requestWith(await sign({ ...claims, sid: viewerSessionKey })), ALL_ROLES)).resolves.toMatchObject({ user: { id: viewerId } });
  });

  it('checks a live session once per cache period, and refuses it at once when its login ends', async () => {
    const lookups = vi.spyOn(refreshTokens, 'hasLiveSession');
    await authenticator.authenticate(requestWith(viewerToken), ALL_ROLES);
    await authenticator.authenticate(requestWith(viewerToken), ALL_ROLES);
    expect(lookups).toHaveBeenCalledTimes(1);
    await sessions.endFamily(viewerId, 'family-1');
    expect(bus.published).toEqual([{ type: 'sessions', userId: viewerId }]);
    expect(await refusal(authenticator.authenticate(requestWith(viewerToken), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
  });

  it('forgets a cached session when another replica announces that the user’s logins ended', async () => {
    await authenticator.authenticate(requestWith(viewerToken), ALL_ROLES);
    // Another replica revoked in the shared database and announced it.
    await refreshTokens.revokeAllForUser(viewerId, clock.now());
    bus.deliver({ type: 'sessions', userId: viewerId });
    expect(await refusal(authenticator.authenticate(requestWith(viewerToken), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
  });

  it('lets an allowed role through with the user from the database', async () => {
    await expect(authenticator.authenticate(requestWith(viewerToken), ALL_ROLES)).resolves.toEqual({
      kind: 'user',
      user: { id: viewerId, username: 'vera', role: Role.Viewer },
    });
  });

  it('refuses a role that is not allowed with 403 FORBIDDEN, keeping the identity on the request for the logs', async () => {
    const request = requestWith(viewerToken);
    expect(await refusal(authenticator.authenticate(request, WRITE_ROLES))).toEqual([403, 'FORBIDDEN']);
    expect(request.auth).toMatchObject({ kind: 'user', user: { id: viewerId } });
  });

  it('uses the current role, not the one in the token', async () => {
    await users.update(viewerId, { role: Role.Admin, updatedAt: new Date() });
    await expect(authenticator.authenticate(requestWith(viewerToken), [Role.Admin])).resolves.toMatchObject({ user: { role: Role.Admin } });
  });

  it('rejects a token issued before the user ended their sessions (password change), or carrying no session version', async () => {
    await users.update(viewerId, { endSessions: true, updatedAt: new Date() });
    expect(await refusal(authenticator.authenticate(requestWith(viewerToken), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
    const current = await issuer.issue({ id: viewerId, username: 'vera', role: Role.Viewer }, 1, viewerSessionKey);
    await expect(authenticator.authenticate(requestWith(current), ALL_ROLES)).resolves.toMatchObject({ user: { id: viewerId } });
    const versionless = await new JwtService({ secret: 'unit-test-secret' }).signAsync({ sub: viewerId }, { issuer: 'modelport', audience: 'modelport-internal' });
    expect(await refusal(authenticator.authenticate(requestWith(versionless), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
  });

  it('rejects a token of a deleted user', async () => {
    users.rows.delete(viewerId);
    expect(await refusal(authenticator.authenticate(requestWith(viewerToken), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
  });

  it('distinguishes missing, malformed, foreign and expired tokens', async () => {
    expect(await refusal(authenticator.authenticate(requestWith(), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_MISSING']);
    expect(await refusal(authenticator.authenticate(requestWith('   '), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_MISSING']);
    expect(await refusal(authenticator.authenticate(requestWith('not.a.jwt'), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
    expect(await refusal(authenticator.authenticate(requestWith('x'.repeat(10_000)), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
    const claims = { sub: viewerId, username: 'vera', role: 'viewer', sv: 0 };
    const foreign = await new JwtService({ secret: 'some-other-secret' }).signAsync(claims, { issuer: 'modelport', audience: 'modelport-internal' });
    expect(await refusal(authenticator.authenticate(requestWith(foreign), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
    const wrongAudience = await new JwtService({ secret: 'unit-test-secret' }).signAsync(claims, { issuer: 'modelport', audience: 'elsewhere' });
    expect(await refusal(authenticator.authenticate(requestWith(wrongAudience), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
    const expired = await new JwtService({ secret: 'unit-test-secret' }).signAsync(
      { ...claims, exp: Math.floor(Date.now() / 1000) - 60 },
      { issuer: 'modelport', audience: 'modelport-internal' },
    );
    expect(await refusal(authenticator.authenticate(requestWith(expired), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_EXPIRED']);
  });

  it('refuses a token signed with the right secret but another algorithm, or without an issuer', async () => {
    const claims = { sub: viewerId, username: 'vera', role: 'viewer', sv: 0 };
    const otherAlgorithm = await new JwtService({ secret: 'unit-test-secret' }).signAsync(claims, { algorithm: 'HS512', issuer: 'modelport', audience: 'modelport-internal' });
    expect(await refusal(authenticator.authenticate(requestWith(otherAlgorithm), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
    const noIssuer = await new JwtService({ secret: 'unit-test-secret' }).signAsync(claims, { audience: 'modelport-internal' });
    expect(await refusal(authenticator.authenticate(requestWith(noIssuer), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: viewerId, iss: 'modelport', aud: 'modelport-internal', exp: 9999999999 })).toString('base64url');
    expect(await refusal(authenticator.authenticate(requestWith(`${header}.${payload}.`), ALL_ROLES))).toEqual([401, 'AUTH_TOKEN_INVALID']);
  });
});
