import { applyDecorators, SetMetadata } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';

export const AUDIT_ACTION = 'modelport:audit-action';

export interface AuditActionOptions {
  /**
   * For routes called without a session (login): the body field naming who is acting, recorded
   * as the actor's username. Never point this at a secret.
   */
  actorFromBody?: string;
}

export interface AuditActionMetadata extends AuditActionOptions {
  action: string;
}

/** Fastify route config carries the name too, so requests refused before the handler (401, bad JSON) get it. */
export interface AuditRouteConfig {
  auditAction?: AuditActionMetadata;
}

/**
 * Names the audit action of a state-changing internal route, e.g. `@AuditAction('user.create')`.
 * Without it the audit log falls back to `<METHOD> <route>`.
 */
export function AuditAction(action: string, options: AuditActionOptions = {}): MethodDecorator {
  const metadata: AuditActionMetadata = { action, ...options };
  const routeConfig: AuditRouteConfig = { auditAction: metadata };
  return applyDecorators(SetMetadata(AUDIT_ACTION, metadata), RouteConfig(routeConfig));
}
