import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuditActionMetadata, AuditRouteConfig } from './audit.decorator.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const INTERNAL_PREFIX = '/api/v1/internal';
/** The Open Inference Protocol's model repository extension changes state too (load, unload). */
const REPOSITORY_PREFIX = '/v2/repository/';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once an audit entry was written for this request, so it is never written twice. */
    auditRecorded?: boolean;
  }
}

/** State-changing calls to a matched internal route are audited; reads and unknown routes are not. */
export function isAuditedRequest(request: FastifyRequest): boolean {
  const route = request.routeOptions?.url;
  if (!route || !STATE_CHANGING.has(request.method)) return false;
  return route === INTERNAL_PREFIX || route.startsWith(`${INTERNAL_PREFIX}/`) || route.startsWith(REPOSITORY_PREFIX);
}

export function routeAuditMetadata(request: FastifyRequest): AuditActionMetadata | undefined {
  return (request.routeOptions?.config as AuditRouteConfig | undefined)?.auditAction;
}

export function fallbackActionName(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions?.url ?? 'unmatched'}`;
}

/** The `:id` route param, when the route has one. */
export function routeTarget(request: FastifyRequest): string | null {
  const id = (request.params as Record<string, unknown> | undefined)?.id;
  return typeof id === 'string' ? id : null;
}

/**
 * How an unverified name (a failed login's username) is recorded: a fingerprint, never the text,
 * because people type passwords into username fields. The same name always gives the same
 * fingerprint, so repeated attempts on one account still group together.
 */
export function unverifiedActorName(name: string): string {
  return `unverified:${createHash('sha256').update(name.toLowerCase()).digest('hex').slice(0, 16)}`;
}

/** Who is acting: the verified caller, or for session-less routes the fingerprint of a body field. */
export function requestActor(request: FastifyRequest, metadata: AuditActionMetadata | undefined): { id: string | null; username: string | null } | null {
  const auth = request.auth;
  if (auth?.kind === 'user') return { id: auth.user.id, username: auth.user.username };
  const field = metadata?.actorFromBody;
  const body = request.body as Record<string, unknown> | null | undefined;
  if (field && body && typeof body === 'object' && !Array.isArray(body) && Object.hasOwn(body, field)) {
    const value = body[field];
    if (typeof value === 'string') return { id: null, username: unverifiedActorName(value) };
  }
  return null;
}
