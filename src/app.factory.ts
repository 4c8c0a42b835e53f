import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import multipart from '@fastify/multipart';
import type { LoggerService } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { AppConfig, loadConfig } from './config/app-config.js';
import { createAppLogger } from './logging/app-logger.js';
import { registerAccessLog } from './logging/access-log.js';
import { registerRefusedBodyDrain } from './inference/refused-body-drain.js';
import type { ServingOverrides } from './serving/serving-overrides.js';

export interface CreateAppOptions {
  /** Environment to read config from (defaults to process.env); tests pass their own. */
  env?: Record<string, string | undefined>;
  /** A logger to use instead of the JSON console logger (tests capture lines with it). */
  logger?: LoggerService;
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
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  registerRefusedBodyDrain(fastify, { maxBytes: config.serving.refusedBodyDrainBytes, maxMs: config.serving.refusedBodyDrainMs });
  registerAccessLog(fastify);

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

  await app.init();
  await fastify.ready();
  return app;
}
