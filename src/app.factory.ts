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
import { registerConsole } from './console/console-static.js';

export interface CreateAppOptions {
  /** Environment to read config from (defaults to process.env); tests pass their own. */
  env?: Record<string, string | undefined>;
  /** A logger to use instead of the JSON console logger (tests capture lines with it). */
  logger?: LoggerService;
  /** The built console to serve at `/` (default: dist/console). */
  consoleDir?: string;
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

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
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
  // A request refused before its body was fully read (an oversized upload, a bad multipart
  // part) would leave unread bytes on a keep-alive connection and stall the next request on it;
  // draining could mean gigabytes, so the connection closes after the answer instead.
  fastify.addHook('onSend', (request, reply, _payload, done) => {
    if (reply.statusCode >= 400 && !request.raw.complete) void reply.header('Connection', 'close');
    done();
  });
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
  await registerConsole(fastify, options.consoleDir);

  await app.init();
  await fastify.ready();
  return app;
}
