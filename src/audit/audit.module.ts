import { Global, Module, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { AuditLogEntity } from './audit-log.entity.js';
import { fallbackActionName, isAuditedRequest, requestActor, routeAuditMetadata, routeTarget } from './audit-scope.js';
import { AuditController } from './audit.controller.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { AnonymousAuditBudget } from './anonymous-audit-budget.js';
import { AuditRetention } from './audit-retention.js';

/** Global so any module can inject AuditService to record explicit events. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity])],
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AnonymousAuditBudget, AuditRetention, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService],
})
export class AuditModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditService,
    private readonly anonymous: AnonymousAuditBudget,
  ) {}

  /**
   * Interceptors run after guards and Fastify's body parsing, so calls refused there (401, 403,
   * malformed JSON) never reach AuditInterceptor. This hook records those, before the reply is sent.
   * Refusals of callers nobody identified are rate-limited per address (AUDIT_ANONYMOUS_PER_MINUTE):
   * past the budget they are counted, and the count is written with the address's next row.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (request.auditRecorded || !isAuditedRequest(request)) return payload;
      request.auditRecorded = true;
      const metadata = routeAuditMetadata(request);
      const actor = requestActor(request, metadata);
      const outcome = reply.statusCode < 400 ? 'success' : 'failure';
      let suppressed = 0;
      if (outcome === 'failure' && request.auth === undefined) {
        const decision = await this.anonymous.admit(this.audit.clientIp(request));
        if (!decision.record) return payload;
        suppressed = decision.suppressedBefore;
      }
      await this.audit.recordForRequest(request, {
        action: metadata?.action ?? fallbackActionName(request),
        outcome,
        actor,
        target: routeTarget(request),
        details: suppressed > 0 ? { status: reply.statusCode, suppressedBefore: suppressed } : { status: reply.statusCode },
      });
      return payload;
    });
  }
}
