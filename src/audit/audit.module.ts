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

/** Global so any module can inject AuditService to record explicit events. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity])],
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService],
})
export class AuditModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditService,
  ) {}

  /**
   * Interceptors run after guards and Fastify's body parsing, so calls refused there (401, 403,
   * malformed JSON) never reach AuditInterceptor. This hook records those, before the reply is sent.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (request.auditRecorded || !isAuditedRequest(request)) return payload;
      request.auditRecorded = true;
      const metadata = routeAuditMetadata(request);
      await this.audit.recordForRequest(request, {
        action: metadata?.action ?? fallbackActionName(request),
        outcome: reply.statusCode < 400 ? 'success' : 'failure',
        actor: requestActor(request, metadata),
        target: routeTarget(request),
        details: { status: reply.statusCode },
      });
      return payload;
    });
  }
}
