import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error.js';
import { Authenticated, ExternalAccess } from './auth.decorator.js';
import { AuthGuard } from './auth.guard.js';
import { AuthContext, Role } from './auth.types.js';
import { ExternalAuthenticator, InternalAuthenticator } from './authenticators.js';

@Controller()
class Routes {
  @Get() open(): void {}
  @Get() @Authenticated({ roles: [Role.Admin] }) adminOnly(): void {}
  @Get() @ExternalAccess({ modelParam: 'model' }) external(): void {}
}

/** An internal authenticator that knows one caller and enforces roles like the real one. */
class RoleCheckingAuthenticator extends InternalAuthenticator {
  calls = 0;
  constructor(private readonly role: Role) {
    super();
  }
  async authenticate(_request: FastifyRequest, roles: readonly Role[]): Promise<AuthContext> {
    this.calls++;
    if (!roles.includes(this.role)) throw ApiError.forbidden('FORBIDDEN', 'no');
    return { kind: 'user', user: { id: 'u1', username: 'u', role: this.role } };
  }
}

class RecordingExternal extends ExternalAuthenticator {
  calls = 0;
  async authenticate(): Promise<AuthContext> {
    this.calls++;
    return { kind: 'accessToken', token: { id: 't1', name: 'token', allowedModels: [] } };
  }
  async recognizes(): Promise<boolean> {
    return true;
  }
}

function contextFor(handler: keyof Routes, request: Partial<FastifyRequest> = {}): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('AuthGuard', () => {
  it('lets a route without auth metadata through without asking any authenticator', async () => {
    const internal = new RoleCheckingAuthenticator(Role.Viewer);
    const external = new RecordingExternal();
    await expect(new AuthGuard(new Reflector(), internal, external).canActivate(contextFor('open'))).resolves.toBe(true);
    expect(internal.calls + external.calls).toBe(0);
  });

  it('admits an allowed role and puts the caller on the request', async () => {
    const request: Partial<FastifyRequest> = {};
    const guard = new AuthGuard(new Reflector(), new RoleCheckingAuthenticator(Role.Admin), new RecordingExternal());
    await expect(guard.canActivate(contextFor('adminOnly', request))).resolves.toBe(true);
    expect(request.auth).toEqual({ kind: 'user', user: { id: 'u1', username: 'u', role: Role.Admin } });
  });

  it('refuses a role the route does not allow', async () => {
    const guard = new AuthGuard(new Reflector(), new RoleCheckingAuthenticator(Role.Operator), new RecordingExternal());
    await expect(guard.canActivate(contextFor('adminOnly'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('sends external routes to the external authenticator only', async () => {
    const internal = new RoleCheckingAuthenticator(Role.Admin);
    const external = new RecordingExternal();
    await new AuthGuard(new Reflector(), internal, external).canActivate(contextFor('external', {}));
    expect([internal.calls, external.calls]).toEqual([0, 1]);
  });
});
