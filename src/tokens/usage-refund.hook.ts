import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenUsageTracker } from './token-usage.tracker.js';

/**
 * The quota counts successful inference calls. The guard consumes one unit when it admits a
 * call (so concurrent calls cannot overspend); a call answered with anything but a 2xx (queue
 * full, timeout, bad image, or 499 for a client that left while its request was still queued)
 * gets its unit back. The refund is decided when the answer is sent (onSend), because a client
 * that has gone away never lets the response finish, so onResponse would not run; onResponse
 * still covers answers written without onSend. Each charge is refunded at most once.
 */
@Injectable()
export class UsageRefundHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly usage: TokenUsageTracker,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', (request, reply, payload, done) => {
      this.settle(request, reply);
      done(null, payload);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.settle(request, reply);
      done();
    });
  }

  private settle(request: FastifyRequest, reply: FastifyReply): void {
    const charge = request.usageCharge;
    if (!charge || charge.refunded || (reply.statusCode >= 200 && reply.statusCode < 300)) return;
    charge.refunded = true;
    this.usage.refund(charge.tokenId, charge.consumedAt);
  }
}
