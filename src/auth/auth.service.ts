import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import type { UserEntity } from '../users/user.entity.js';
import { UserRepository } from '../users/user.repository.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import type { ChangePasswordDto, LoginDto, SessionTokens } from './auth.dto.js';
import type { AuthUser } from './auth.types.js';
import { CryptoRepository } from './crypto.repository.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { SessionRegistry } from './session-registry.js';

/** Login, refresh-token rotation with reuse detection, logout and own password change. */
@Injectable()
export class AuthService {
  private readonly refreshTtlMs: number;

  constructor(
    config: AppConfig,
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly hasher: PasswordHasher,
    private readonly crypto: CryptoRepository,
    private readonly clock: Clock,
    private readonly throttle: LoginThrottle,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly sessions: SessionRegistry,
  ) {
    this.refreshTtlMs = config.auth.refreshTokenTtlSeconds * 1000;
  }

  async login(credentials: LoginDto, clientIp: string): Promise<SessionTokens> {
    await this.assertNotThrottled(credentials.username, clientIp);
    const user = await this.users.findByUsername(credentials.username);
    const valid = user
      ? await this.hasher.verify(credentials.password, user.passwordHash)
      : await this.hasher.verifyAgainstDummy(credentials.password);
    if (!user || !valid) {
      await this.throttle.recordFailure(credentials.username, clientIp);
      throw ApiError.unauthorized('INVALID_CREDENTIALS', 'Invalid username or password');
    }
    await this.throttle.recordSuccess(credentials.username, clientIp);
    return this.startSession(user, this.crypto.randomId());
  }

  /**
   * Exchanges a refresh token for a new pair. Each token works once: presenting a used one means
   * it leaked (or the client raced itself), so the whole family is revoked, including the newer
   * token that the legitimate holder or the thief now has.
   */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const now = this.clock.now();
    const record = await this.refreshTokens.findByHash(this.crypto.sha256(refreshToken));
    if (!record) throw ApiError.unauthorized('REFRESH_TOKEN_INVALID', 'Refresh token is not valid');
    if (record.usedAt) {
      await this.sessions.endFamily(record.userId, record.familyId);
      throw ApiError.unauthorized('REFRESH_TOKEN_REUSED', 'Refresh token was already used; every session from that login is now revoked');
    }
    if (record.revokedAt) throw ApiError.unauthorized('REFRESH_TOKEN_REVOKED', 'Refresh token has been revoked');
    if (record.expiresAt.getTime() <= now.getTime()) throw ApiError.unauthorized('REFRESH_TOKEN_EXPIRED', 'Refresh token has expired; log in again');
    if (!(await this.refreshTokens.markUsed(record.id, now))) {
      await this.sessions.endFamily(record.userId, record.familyId);
      throw ApiError.unauthorized('REFRESH_TOKEN_REUSED', 'Refresh token was already used; every session from that login is now revoked');
    }
    const user = await this.users.findById(record.userId);
    if (!user) throw ApiError.unauthorized('REFRESH_TOKEN_INVALID', 'Refresh token is not valid');
    return this.startSession(user, record.familyId);
  }

  /**
   * With a refresh token, ends that login (its family); without one, ends every login of the
   * caller, access tokens included. A token belonging to someone else is ignored rather than reported.
   */
  async logout(caller: AuthUser, refreshToken: string | undefined): Promise<void> {
    const now = this.clock.now();
    if (refreshToken === undefined) {
      await this.users.update(caller.id, { endSessions: true, updatedAt: now });
      await this.sessions.endAll(caller.id);
      return;
    }
    const record = await this.refreshTokens.findByHash(this.crypto.sha256(refreshToken));
    if (record && record.userId === caller.id) await this.sessions.endFamily(caller.id, record.familyId);
  }

  /**
   * Changes the caller's password and ends every session they had (access and refresh tokens),
   * then opens a fresh one for the caller. Wrong guesses count as failed logins.
   */
  async changePassword(caller: AuthUser, change: ChangePasswordDto, clientIp: string): Promise<SessionTokens> {
    await this.assertNotThrottled(caller.username, clientIp);
    const user = await this.users.findById(caller.id);
    if (!user) throw ApiError.unauthorized('AUTH_TOKEN_INVALID', 'X-Auth-Token is not a valid token');
    if (!(await this.hasher.verify(change.currentPassword, user.passwordHash))) {
      await this.throttle.recordFailure(caller.username, clientIp);
      throw ApiError.badRequest('INVALID_CURRENT_PASSWORD', 'Current password is wrong');
    }
    const now = this.clock.now();
    await this.users.update(user.id, { passwordHash: await this.hasher.hash(change.newPassword), endSessions: true, passwordChangeRequired: false, updatedAt: now });
    await this.sessions.endAll(user.id);
    const updated = await this.users.findById(user.id);
    if (!updated) throw ApiError.unauthorized('AUTH_TOKEN_INVALID', 'X-Auth-Token is not a valid token');
    return this.startSession(updated, this.crypto.randomId());
  }

  private async assertNotThrottled(username: string, clientIp: string): Promise<void> {
    const decision = await this.throttle.check(username, clientIp);
    if (!decision.allowed) {
      throw ApiError.tooManyRequests('TOO_MANY_LOGIN_ATTEMPTS', 'Too many failed login attempts; try again later', decision.retryAfterSeconds);
    }
  }

  private async startSession(user: UserEntity, familyId: string): Promise<SessionTokens> {
    const now = this.clock.now();
    const authUser: AuthUser = { id: user.id, username: user.username, role: user.role, ...(user.passwordChangeRequired ? { passwordChangeRequired: true } : {}) };
    const refreshToken = this.crypto.randomSecret(32);
    const session = this.sessions.newKey();
    await this.refreshTokens.create({
      userId: user.id,
      familyId,
      tokenHash: this.crypto.sha256(refreshToken),
      sessionKeyHash: session.keyHash,
      expiresAt: new Date(now.getTime() + this.refreshTtlMs),
      createdAt: now,
    });
    return {
      accessToken: await this.accessTokens.issue(authUser, user.sessionVersion, session.key),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      user: authUser,
    };
  }
}
