import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { AUTH_REQUIREMENT } from './auth.decorator.js';
import type { AuthRequirement } from './auth.types.js';
import { ExternalAuthenticator, InternalAuthenticator } from './authenticators.js';

/**
 * The one global guard. A route without auth metadata is public; otherwise the requirement
 * decides which authenticator checks the request. All header parsing lives in the authenticators.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly internal: InternalAuthenticator,
    private readonly external: ExternalAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_REQUIREMENT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!requirement) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.auth =
      requirement.kind === 'internal'
        ? await this.internal.authenticate(request, requirement.roles)
        : await this.external.authenticate(request, requirement);
    if (requirement.kind === 'internal' && request.auth.kind === 'user' && request.auth.user.passwordChangeRequired && !requirement.beforePasswordChange) {
      throw ApiError.forbidden('PASSWORD_CHANGE_REQUIRED', 'Change the generated password first (POST /api/v1/internal/auth/password)');
    }
    return true;
  }
}
