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
}
