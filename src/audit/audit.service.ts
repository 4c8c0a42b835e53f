import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { resolveClientIp } from '../common/client-ip.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import type { AuditLogEntity } from './audit-log.entity.js';
import { AuditQuery, AuditRepository } from './audit.repository.js';

export type AuditOutcome = 'success' | 'failure';

export interface AuditEntry {
  /** Dotted verb such as `user.create`, or `<METHOD> <route>` when a route names none. */
  action: string;
  outcome: AuditOutcome;
  actor?: { id?: string | null; username?: string | null } | null;
  /** What was acted on, usually the `:id` route param. */
  target?: string | null;
  ip?: string | null;
  requestId?: string | null;
  /** Extra facts; must never hold secrets (passwords, tokens). */
  details?: Record<string, unknown>;
}

export interface AuditLogItem {
  id: number;
  action: string;
  actorId: string | null;
  actorUsername: string | null;
  target: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
  createdAt: string;
}

function clip(value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  return value.length > max ? value.slice(0, max) : value;
}

/**
 * The audit log. Other modules inject it to record explicit events; the audit interceptor uses
 * it for every state-changing internal request. Recording never throws: a failure to audit is
 * logged loudly but does not turn the caller's request into an error.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.repository.insert({
        action: clip(entry.action, 64) ?? 'unknown',
        actorId: clip(entry.actor?.id, 64),
        actorUsername: clip(entry.actor?.username, 64),
        target: clip(entry.target, 256),
        ip: clip(entry.ip, 64),
        outcome: entry.outcome,
        details: entry.details ? JSON.stringify(entry.details) : null,
        requestId: clip(entry.requestId, 128),
        createdAt: this.clock.now(),
      });
    } catch (error) {
      this.logger.error({ msg: 'Failed to write audit entry', action: entry.action, requestId: entry.requestId, error: String(error) });
    }
  }

  /** Records an event for a request: actor, client IP and request id are taken from it. */
  recordForRequest(request: FastifyRequest, entry: Omit<AuditEntry, 'ip' | 'requestId'>): Promise<void> {
    const auth = request.auth;
    const actor = entry.actor ?? (auth?.kind === 'user' ? { id: auth.user.id, username: auth.user.username } : null);
    return this.record({ ...entry, actor, ip: this.clientIp(request), requestId: String(request.id) });
  }

  clientIp(request: FastifyRequest): string {
    return resolveClientIp(request, this.config.server.trustedProxies);
  }

  async list(query: AuditQuery): Promise<{ items: AuditLogItem[]; total: number }> {
    const page = await this.repository.list(query);
    return { items: page.items.map(toItem), total: page.total };
  }
}

function toItem(row: AuditLogEntity): AuditLogItem {
  let details: Record<string, unknown> | null = null;
  if (row.details) {
    try {
      details = JSON.parse(row.details) as Record<string, unknown>;
    } catch {
      details = null;
    }
  }
  return {
    id: row.id,
    action: row.action,
    actorId: row.actorId,
    actorUsername: row.actorUsername,
    target: row.target,
    outcome: row.outcome,
    ip: row.ip,
    requestId: row.requestId,
    details,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
