import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { AppConfig, ConfigError } from './config/app-config.js';
import { GrpcServer } from './grpc/grpc-server.js';
import { ReadinessService } from './health/readiness.service.js';
import { GcSettings } from './serving/gc-settings.js';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  const logger = new Logger('main');
  await app.listen({ host: config.server.host, port: config.server.port });
  logger.log({ msg: 'Modelport listening', host: config.server.host, port: config.server.port, dataDir: config.storage.dataDir });
  if (config.grpc.enabled) await app.get(GrpcServer).start();
  // Serving's GC settings, once boot's own allocations are behind us (src/serving/gc-settings.ts).
  void app.get(ReadinessService).startupSettled().then(() => app.get(GcSettings).apply());

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'Shutting down: draining in-flight requests', signal });
    app.get(ReadinessService).markShuttingDown();
    const forceExit = setTimeout(() => {
      logger.error({ msg: 'Shutdown timed out; exiting', timeoutMs: config.server.shutdownTimeoutMs });
      process.exit(1);
    }, config.server.shutdownTimeoutMs);
    forceExit.unref();
    try {
      // Stops accepting connections, waits for in-flight requests, then runs module shutdown hooks
      // (queues drain, usage counters flush, engines dispose).
      await app.close();
      process.exit(0);
    } catch (error) {
      logger.error({ msg: 'Shutdown failed', error: String(error) });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${JSON.stringify({ level: 'fatal', context: 'main', message: `Modelport failed to start: ${message}` })}\n`);
  process.exit(1);
});
