import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { from, mergeMap, Observable, throwError, catchError } from 'rxjs';
import { ApiError } from '../common/api-error.js';
import { AUDIT_ACTION, AuditActionMetadata } from './audit.decorator.js';
import { fallbackActionName, isAuditedRequest, requestActor, routeTarget } from './audit-scope.js';
import { AuditService } from './audit.service.js';

function failureDetails(error: unknown): Record<string, unknown> {
  if (error instanceof ApiError) return { status: error.getStatus(), code: error.code };
  if (error instanceof HttpException) return { status: error.getStatus() };
  return { status: 500, code: 'INTERNAL_ERROR' };
}

/** A route without `:id` that creates something names it by the `id` of its response. */
function createdResourceId(value: unknown): string | null {
  const id = (value as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/**
 * Records every state-changing internal call that reaches its handler, success or failure, and
 * waits for the entry to be written before the response goes out so the log never lags the API.
 * Calls refused earlier (authentication, body parsing) are recorded by the audit module's hook.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isAuditedRequest(request)) return next.handle();
    request.auditRecorded = true;
    const metadata = this.reflector.getAllAndOverride<AuditActionMetadata | undefined>(AUDIT_ACTION, [context.getHandler(), context.getClass()]);
    const write = (outcome: 'success' | 'failure', details?: Record<string, unknown>, createdId?: string | null) =>
      this.audit.recordForRequest(request, {
        action: metadata?.action ?? fallbackActionName(request),
        outcome,
        actor: requestActor(request, metadata),
        target: routeTarget(request) ?? createdId ?? null,
        details,
      });
    return next.handle().pipe(
      mergeMap((value) => from(write('success', undefined, createdResourceId(value))).pipe(mergeMap(() => [value]))),
      catchError((error: unknown) => from(write('failure', failureDetails(error))).pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}
