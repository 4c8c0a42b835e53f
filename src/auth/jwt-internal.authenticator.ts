import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Strategy as JwtStrategy, type JwtFromRequestFunction, type VerifiedCallback } from 'passport-jwt';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { UserRepository } from '../users/user.repository.js';
import { INTERNAL_AUTH_HEADER } from './auth.decorator.js';
import type { AuthContext, AuthUser, Role } from './auth.types.js';
import { InternalAuthenticator } from './authenticators.js';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from './access-token.issuer.js';

/** Far longer than any token we sign; longer values are rejected before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

const fromAuthHeader: JwtFromRequestFunction = (request: { headers: Record<string, unknown> }) => {
  const value = request.headers[INTERNAL_AUTH_HEADER];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
};

type StrategyOutcome = { ok: true; user: AuthUser } | { ok: false; reason: unknown };

/**
 * Verifies X-Auth-Token with passport-jwt (signature, algorithm, issuer, audience, expiry), then
 * reloads the user so a deleted or demoted user's token loses its powers at once, and a token
 * issued before a password change (or "log out everywhere") stops working.
 */
@Injectable()
export class JwtInternalAuthenticator extends InternalAuthenticator {
  private readonly strategy: JwtStrategy;

  constructor(
    config: AppConfig,
    private readonly users: UserRepository,
  ) {
    super();
    this.strategy = new JwtStrategy(
      {
        jwtFromRequest: fromAuthHeader,
        secretOrKey: config.auth.jwtSecret,
        algorithms: [JWT_ALGORITHM],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      },
      (payload: { sub?: unknown; sv?: unknown }, done: VerifiedCallback) => {
        this.currentUser(payload.sub, payload.sv).then(
          (user) => (user ? done(null, user) : done(null, false, { reason: 'user-gone' })),
          (error: unknown) => done(error),
        );
      },
    );
  }

  async authenticate(request: FastifyRequest, roles: readonly Role[]): Promise<AuthContext> {
    const header = fromAuthHeader(request);
    if (header === null) throw ApiError.unauthorized('AUTH_TOKEN_MISSING', 'X-Auth-Token header is required');
    if (header.length > MAX_TOKEN_LENGTH) throw ApiError.unauthorized('AUTH_TOKEN_INVALID', 'X-Auth-Token is not a valid token');
    const outcome = await this.runStrategy(request);
    if (!outcome.ok) {
      const expired = (outcome.reason as { name?: unknown } | null)?.name === 'TokenExpiredError';
      throw expired
        ? ApiError.unauthorized('AUTH_TOKEN_EXPIRED', 'X-Auth-Token has expired; log in or refresh')
        : ApiError.unauthorized('AUTH_TOKEN_INVALID', 'X-Auth-Token is not a valid token');
    }
    const context: AuthContext = { kind: 'user', user: outcome.user };
    if (!roles.includes(outcome.user.role)) {
      // Identified but not allowed: keep the identity so the access and audit logs name who tried.
      request.auth = context;
      throw ApiError.forbidden('FORBIDDEN', 'Your role is not allowed to do this');
    }
    return context;
  }

  /**
   * Drives the strategy the way passport's middleware does (a per-request object inheriting the
   * strategy, with success/fail/error actions), without passport's Express-only request mutations.
   */
  private runStrategy(request: FastifyRequest): Promise<StrategyOutcome> {
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this.strategy) as JwtStrategy & {
        success(user: AuthUser): void;
        fail(reason?: unknown): void;
        error(error: unknown): void;
      };
      attempt.success = (user) => resolve({ ok: true, user });
      attempt.fail = (reason) => resolve({ ok: false, reason });
      attempt.error = (error) => reject(error);
      attempt.authenticate(request as never, {});
    });
  }

  /** The token's user as the database has it now; null when deleted or the token predates a password change. */
  private async currentUser(subject: unknown, sessionVersion: unknown): Promise<AuthUser | null> {
    if (typeof subject !== 'string' || subject.length === 0 || subject.length > 64) return null;
    const user = await this.users.findById(subject);
    if (!user || user.sessionVersion !== sessionVersion) return null;
    return { id: user.id, username: user.username, role: user.role, ...(user.passwordChangeRequired ? { passwordChangeRequired: true } : {}) };
  }
}
