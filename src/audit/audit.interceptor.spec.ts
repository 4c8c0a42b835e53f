import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { firstValueFrom, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Role } from '../auth/auth.types.js';
import { ApiError } from '../common/api-error.js';
import { AuditAction } from './audit.decorator.js';
import { AuditInterceptor } from './audit.interceptor.js';
import type { AuditEntry, AuditService } from './audit.service.js';
import { unverifiedActorName } from './audit-scope.js';

class Handlers {
  @AuditAction('thing.delete') named(): void {}
  @AuditAction('auth.login', { actorFromBody: 'username' }) login(): void {}
  unnamed(): void {}
}

class RecordingAudit {
  readonly entries: Array<Omit<AuditEntry, 'ip' | 'requestId'>> = [];
  async recordForRequest(_request: FastifyRequest, entry: Omit<AuditEntry, 'ip' | 'requestId'>): Promise<void> {
    this.entries.push(entry);
  }
}

function setup(handler: keyof Handlers, request: Partial<FastifyRequest>) {
  const audit = new RecordingAudit();
  const interceptor = new AuditInterceptor(new Reflector(), audit as unknown as AuditService);
  const context = {
    getType: () => 'http',
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { audit, run: (next: CallHandler) => firstValueFrom(interceptor.intercept(context, next)) };
}

const admin = { kind: 'user' as const, user: { id: 'u-admin', username: 'root', role: Role.Admin } };

describe('AuditInterceptor', () => {
  it('records a successful internal write with the decorator action, caller and :id target, passing the value through', async () => {
    const request = { method: 'DELETE', routeOptions: { url: '/api/v1/internal/things/:id' }, params: { id: 't-1' }, auth: admin } as unknown as FastifyRequest;
    const { audit, run } = setup('named', request);
    await expect(run({ handle: () => of({ ok: true }) })).resolves.toEqual({ ok: true });
    expect(audit.entries).toEqual([{ action: 'thing.delete', outcome: 'success', actor: { id: 'u-admin', username: 'root' }, target: 't-1', details: undefined }]);
    expect(request.auditRecorded).toBe(true);
  });

  it('records a failure with status and code, then rethrows the same error', async () => {
    const request = { method: 'POST', routeOptions: { url: '/api/v1/internal/things' }, params: {}, auth: admin } as unknown as FastifyRequest;
    const { audit, run } = setup('unnamed', request);
    const error = ApiError.conflict('THING_TAKEN', 'taken');
    await expect(run({ handle: () => throwError(() => error) })).rejects.toBe(error);
    expect(audit.entries).toEqual([
      { action: 'POST /api/v1/internal/things', outcome: 'failure', actor: { id: 'u-admin', username: 'root' }, target: null, details: { status: 409, code: 'THING_TAKEN' } },
    ]);
  });

  it('names a create by the id it returns, and a failed login by a fingerprint of the attempted username', async () => {
    const create = setup('unnamed', { method: 'POST', routeOptions: { url: '/api/v1/internal/things' }, params: {}, auth: admin } as unknown as FastifyRequest);
    await create.run({ handle: () => of({ id: 'new-thing' }) });
    expect(create.audit.entries[0].target).toBe('new-thing');
    const login = setup('login', { method: 'POST', routeOptions: { url: '/api/v1/internal/auth/login' }, params: {}, body: { username: 'mallory', password: 'secret' } } as unknown as FastifyRequest);
    await login.run({ handle: () => throwError(() => ApiError.unauthorized('INVALID_CREDENTIALS', 'no')) }).catch(() => undefined);
    expect(login.audit.entries[0]).toMatchObject({ action: 'auth.login', actor: { id: null, username: unverifiedActorName('mallory') } });
    expect(JSON.stringify(login.audit.entries)).not.toContain('secret');
    expect(JSON.stringify(login.audit.entries)).not.toContain('mallory');
  });

  it('ignores reads and routes outside the internal API', async () => {
    for (const request of [
      { method: 'GET', routeOptions: { url: '/api/v1/internal/things/:id' }, params: {} },
      { method: 'POST', routeOptions: { url: '/api/v1/inference/:model' }, params: {} },
      { method: 'POST', routeOptions: { url: '/api/v1/internalish' }, params: {} },
    ]) {
      const { audit, run } = setup('named', request as unknown as FastifyRequest);
      await run({ handle: () => of('value') });
      expect(audit.entries).toEqual([]);
    }
  });
});
