import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { TokenUsageTracker } from './token-usage.tracker.js';

/**
 * The quota counts successful inference calls. The guard consumes one unit when it admits a
 * call (so concurrent calls cannot overspend); a call answered with anything but a 2xx (queue
 * full, timeout, bad image) gets its unit back once the response is finished.
 */
@Injectable()
export class UsageRefundHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly usage: TokenUsageTracker,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const charge = request.usageCharge;
      if (charge && (reply.statusCode < 200 || reply.statusCode >= 300)) this.usage.refund(charge.tokenId, charge.consumedAt);
      done();
    });
  }
}
