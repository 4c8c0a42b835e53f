import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { ERROR_CODE_HEADER } from './v2-error.filter.js';
import { deferrableParser } from '../common/deferred-body.js';
import { V2_INFER_ROUTES } from '../inference/inference-routes.js';

const V2_PREFIX = /^\/v2(?:[/?]|$)/;

/**
 * Fastify-level pieces of the v2 protocol, registered before Fastify is ready:
 * - application/octet-stream bodies (the binary tensor data extension) are taken on the inference
 *   routes only, under the same size limit as JSON bodies, and read as a Buffer by the service
 *   after admission, like JSON bodies there (common/deferred-body.ts); other routes answer 415;
 * - errors raised before a v2 handler runs (unreadable JSON, an oversized body, an unknown
 *   route) get the protocol's `{"error"}` body too, not the admin API's envelope.
 */
@Injectable()
export class OipHttpHooks implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const unsupported = () => Object.assign(new Error('Unsupported Content-Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    fastify.addContentTypeParser(
      'application/octet-stream',
      deferrableParser({ bodyLimit: this.config.server.bodyLimitBytes, deferredRoutes: V2_INFER_ROUTES }, (bytes) => Promise.resolve(bytes), unsupported),
    );
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode < 400 || !V2_PREFIX.test(request.url) || typeof payload !== 'string') return done(null, payload);
      const rewritten = protocolErrorBody(payload);
      if (!rewritten) return done(null, payload);
      void reply.header(ERROR_CODE_HEADER, rewritten.code);
      done(null, rewritten.body);
    });
  }
}

/** `{"error": {"code", "message"}}` → `{"error": message}`; anything else is left alone. */
function protocolErrorBody(payload: string): { body: string; code: string } | null {
  try {
    const parsed = JSON.parse(payload) as { error?: { code?: unknown; message?: unknown } };
    const error = parsed?.error;
    if (!error || typeof error !== 'object' || typeof error.message !== 'string') return null;
    return { body: JSON.stringify({ error: error.message }), code: typeof error.code === 'string' ? error.code : 'ERROR' };
  } catch {
    return null;
  }
}
