import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { UserRepository } from '../users/user.repository.js';
import { INTERNAL_AUTH_HEADER } from './auth.decorator.js';
import type { AuthContext, AuthUser, Role } from './auth.types.js';
import { InternalAuthenticator } from './authenticators.js';
import { SessionRegistry } from './session-registry.js';

/** Far longer than any token we sign; longer values are rejected before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

function tokenFrom(request: FastifyRequest): string | null {
  const value = request.headers[INTERNAL_AUTH_HEADER];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * Verifies X-Auth-Token with `JwtService.verifyAsync` (signature, the pinned algorithm, issuer,
 * audience, expiry: see `sessionJwtService`), then reloads the user so a deleted or demoted user's
 * token loses its powers at once, and checks that the token's session key names a login that is
 * still live, so a token issued before a password change (or "log out everywhere"), or one signed
 * by someone who knows the JWT secret but not a session key, stops working.
 */
@Injectable()
export class JwtInternalAuthenticator extends InternalAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UserRepository,
    private readonly sessions: SessionRegistry,
  ) {
    super();
  }

  async authenticate(request: FastifyRequest, roles: readonly Role[]): Promise<AuthContext> {
    const token = tokenFrom(request);
    if (token === null) throw ApiError.unauthorized('AUTH_TOKEN_MISSING', 'X-Auth-Token header is required');
    if (token.length > MAX_TOKEN_LENGTH) throw ApiError.unauthorized('AUTH_TOKEN_INVALID', 'X-Auth-Token is not a valid token');
    let claims: { sub?: unknown; sv?: unknown; sid?: unknown };
    try {
      claims = await this.jwt.verifyAsync(token);
    } catch (error) {
      throw (error as { name?: unknown }).name === 'TokenExpiredError'
        ? ApiError.unauthorized('AUTH_TOKEN_EXPIRED', 'X-Auth-Token has expired; log in or refresh')
        : ApiError.unauthorized('AUTH_TOKEN_INVALID', 'X-Auth-Token is not a valid token');
    }
    const user = await this.currentUser(claims.sub, claims.sv, claims.sid);
    if (!user) throw ApiError.unauthorized('AUTH_TOKEN_INVALID', 'X-Auth-Token is not a valid token');
    const context: AuthContext = { kind: 'user', user };
    if (!roles.includes(user.role)) {
      // Identified but not allowed: keep the identity so the access and audit logs name who tried.
      request.auth = context;
      throw ApiError.forbidden('FORBIDDEN', 'Your role is not allowed to do this');
    }
    return context;
  }

  /** The token's user as the database has it now; null when deleted or the token's login was ended. */
  private async currentUser(subject: unknown, sessionVersion: unknown, sessionKey: unknown): Promise<AuthUser | null> {
    if (typeof subject !== 'string' || subject.length === 0 || subject.length > 64) return null;
    const user = await this.users.findById(subject);
    if (!user || user.sessionVersion !== sessionVersion) return null;
    if (!(await this.sessions.isLive(user.id, sessionKey))) return null;
    return { id: user.id, username: user.username, role: user.role, ...(user.passwordChangeRequired ? { passwordChangeRequired: true } : {}) };
  }
}
