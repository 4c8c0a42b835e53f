import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import type { LoggerService } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { AppConfig, loadConfig } from './config/app-config.js';
import { createAppLogger } from './logging/app-logger.js';
import { registerAccessLog } from './logging/access-log.js';
import { ExternalAuthenticator, InternalAuthenticator } from './auth/authenticators.js';
import { ALL_ROLES } from './auth/auth.types.js';
import { INTERNAL_AUTH_HEADER } from './auth/auth.decorator.js';
import { clientErrorHandler, frameworkErrorHandler, registerRequestLimits } from './common/request-limits.js';
import { registerRefusedBodyDrain } from './common/refused-body-drain.js';
import { registerJsonBodies } from './common/deferred-body.js';
import { DEFERRED_BODY_ROUTES } from './inference/inference-routes.js';
import { registerConsole } from './console/console-static.js';
import type { ServingOverrides } from './serving/serving-overrides.js';

export interface CreateAppOptions {
  /** Environment to read config from (defaults to process.env); tests pass their own. */
  env?: Record<string, string | undefined>;
  /** A logger to use instead of the JSON console logger (tests capture lines with it). */
  logger?: LoggerService;
  /** The built console to serve at `/` (default: dist/console). */
  consoleDir?: string;
  /** Serving ports a test replaces (memory meter, residency clock); never set in production. */
  servingOverrides?: ServingOverrides;
}

/** An incoming X-Request-Id is echoed only when it is short and harmless to log. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the whole application: Fastify adapter, multipart, error format, request ids, access
 * log and OpenAPI. main.ts and every e2e test use this same pipeline.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const config: AppConfig = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createAppLogger(config.log.level);

  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: config.server.bodyLimitBytes,
    // Client IPs are derived by our own resolver that honours TRUSTED_PROXIES; Fastify must not guess.
    trustProxy: false,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: false,
    // Node cuts a request whose headers are late; it checks at this interval, so keep it well below the timeout.
    http: { headersTimeout: config.server.headersTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.server.headersTimeoutMs / 4))) },
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
  });

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.servingOverrides), adapter, {
    logger,
    bufferLogs: false,
    abortOnError: false,
  });

  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(multipart, {
    limits: { fileSize: config.storage.maxModelBytes, files: 64, fields: 16, fieldSize: 1024 * 1024, parts: 96 },
    throwFileSizeLimit: true,
  });
  // Parses cookies for the console's HttpOnly refresh cookie; nothing else reads cookies.
  await fastify.register(cookie);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  registerRefusedBodyDrain(fastify, { maxBytes: config.serving.refusedBodyDrainBytes, maxMs: config.serving.refusedBodyDrainMs });
  registerAccessLog(fastify);
  const internal = app.get(InternalAuthenticator);
  const external = app.get(ExternalAuthenticator);
  registerRequestLimits(fastify, {
    standard: { bodyIdleMs: config.server.bodyIdleTimeoutMs, bodyTotalMs: config.server.bodyTimeoutMs },
    upload: { bodyIdleMs: config.storage.uploadIdleTimeoutMs, bodyTotalMs: config.storage.uploadTimeoutMs },
    uploadRoutes: [
      { method: 'POST', url: '/api/v1/internal/models' },
      { method: 'POST', url: '/api/v1/internal/models/:id/versions' },
    ],
    unauthenticatedBodyLimitBytes: config.server.unauthenticatedBodyLimitBytes,
    unauthenticatedInFlight: { maxConcurrent: config.server.unauthenticatedMaxConcurrentBodies, maxBytes: config.server.unauthenticatedMaxInFlightBytes },
    recognizes: (request) =>
      request.headers[INTERNAL_AUTH_HEADER] !== undefined
        ? internal.authenticate(request, ALL_ROLES).then(
            () => true,
            () => false,
          )
        : external.recognizes(request),
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Modelport')
      .setDescription('Self-hosted inference for vision models. Internal admin API under /api/v1/internal (X-Auth-Token); external API under /api/v1 and /v2 (X-Access-Token).')
      .setVersion(process.env.npm_package_version ?? '0.1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'JWT from POST /api/v1/internal/auth/login' }, 'X-Auth-Token')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Access-Token', description: 'Access token issued by an admin' }, 'X-Access-Token')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await registerConsole(fastify, options.consoleDir);

  await app.init();
  // After init, which registers Nest's JSON parser (Fastify's, reading the whole body first): ours
  // parses the same way, except that inference bodies are read by the service once the request
  // holds a queue place (admission first).
  registerJsonBodies(fastify, { bodyLimit: config.server.bodyLimitBytes, deferredRoutes: DEFERRED_BODY_ROUTES });
  await fastify.ready();
  return app;
}
