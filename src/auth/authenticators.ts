import type { FastifyRequest } from 'fastify';
import type { AuthContext, AuthRequirement, Role } from './auth.types.js';

/**
 * Ports the global AuthGuard delegates to. The auth module provides the internal one (JWT via
 * JwtService.verifyAsync); the tokens module provides the external one (issued access tokens).
 * Both throw ApiError with a stable code on rejection.
 */
export abstract class InternalAuthenticator {
  abstract authenticate(request: FastifyRequest, roles: readonly Role[]): Promise<AuthContext>;
}

export abstract class ExternalAuthenticator {
  abstract authenticate(request: FastifyRequest, requirement: Extract<AuthRequirement, { kind: 'external' }>): Promise<AuthContext>;
  /** Whether the request carries a live credential at all (no limits charged): decides how much body it may send. */
  abstract recognizes(request: FastifyRequest): Promise<boolean>;
}
