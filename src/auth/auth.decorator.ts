import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ALL_ROLES, AuthContext, AuthRequirement, Role } from './auth.types.js';

export const AUTH_REQUIREMENT = 'modelport:auth-requirement';
export const INTERNAL_AUTH_HEADER = 'x-auth-token';
export const ACCESS_TOKEN_HEADER = 'x-access-token';

/**
 * Marks an internal (admin API) route: the caller must send a valid JWT in X-Auth-Token and hold
 * one of `roles` (default: any role). The OpenAPI security entry comes from this same decorator,
 * so the docs cannot drift from what the guard enforces.
 */
export function Authenticated(options: { roles?: readonly Role[]; beforePasswordChange?: boolean } = {}): MethodDecorator & ClassDecorator {
  const requirement: AuthRequirement = { kind: 'internal', roles: options.roles ?? ALL_ROLES, beforePasswordChange: options.beforePasswordChange ?? false };
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, requirement),
    ApiSecurity('X-Auth-Token'),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired X-Auth-Token' }),
    ApiForbiddenResponse({ description: 'Role not allowed (FORBIDDEN)' }),
  );
}

/**
 * Marks an external route: the caller must send an issued access token (X-Access-Token, or
 * Authorization: Bearer on the /v2 protocol) that passes every check of the token guard.
 */
export function ExternalAccess(options: { modelParam?: string; countsUsage?: boolean } = {}): MethodDecorator & ClassDecorator {
  const requirement: AuthRequirement = { kind: 'external', modelParam: options.modelParam, countsUsage: options.countsUsage ?? false };
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, requirement),
    ApiSecurity('X-Access-Token'),
    ApiUnauthorizedResponse({ description: 'ACCESS_TOKEN_MISSING | INVALID | DISABLED | REVOKED | EXPIRED' }),
    ApiForbiddenResponse({ description: 'IP_NOT_ALLOWED | MODEL_NOT_ALLOWED' }),
    ApiTooManyRequestsResponse({ description: 'RATE_LIMITED | QUOTA_EXCEEDED (with Retry-After)' }),
  );
}

/** Injects the verified caller into a handler. */
export const Auth = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext | undefined => {
  return context.switchToHttp().getRequest<FastifyRequest>().auth;
});
