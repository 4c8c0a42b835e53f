import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { loadPackageDefinition, Server, ServerCredentials, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { AppConfig, projectRoot } from '../config/app-config.js';
import { GrpcInferenceHandlers } from './grpc-inference.handlers.js';

/** The project's Open Inference Protocol proto (package `inference`). */
export const INFERENCE_PROTO_PATH = join(projectRoot(), 'src', 'grpc', 'inference.proto');

/** How the proto is read: snake_case field names kept, 64-bit integers as numbers, oneof names. */
export const PROTO_LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true } as const;

function hostForBind(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The gRPC GRPCInferenceService on GRPC_PORT, bound to HOST. It is started after the HTTP
 * server listens (main.ts, or a test) and stopped with the application.
 */
@Injectable()
export class GrpcServer implements OnApplicationShutdown {
  private readonly logger = new Logger('GrpcServer');
  private server: Server | null = null;
  private port: number | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly handlers: GrpcInferenceHandlers,
  ) {}

  /** The bound port (GRPC_PORT, or the ephemeral one chosen for 0); null when not started. */
  get boundPort(): number | null {
    return this.port;
  }

  /** Binds and starts serving; resolves with the bound port. Refuses to start twice. */
  async start(): Promise<number> {
    if (this.server) throw new Error('The gRPC server is already started');
    const definition = loadSync(INFERENCE_PROTO_PATH, PROTO_LOADER_OPTIONS);
    const inference = (loadPackageDefinition(definition).inference as GrpcObject).GRPCInferenceService as ServiceClientConstructor;
    const limit = this.config.server.bodyLimitBytes;
    const server = new Server({ 'grpc.max_receive_message_length': limit, 'grpc.max_send_message_length': limit });
    server.addService(inference.service, this.handlers.implementation());
    const address = `${hostForBind(this.config.server.host)}:${this.config.grpc.port}`;
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => (error ? reject(new Error(`gRPC cannot bind ${address}: ${error.message}`)) : resolve(port))),
    );
    this.server = server;
    this.logger.log({ msg: 'gRPC GRPCInferenceService listening', host: this.config.server.host, port: this.port });
    return this.port;
  }

  /** Lets in-flight calls finish, then stops; forced after the shutdown timeout. */
  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.port = null;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, this.config.server.shutdownTimeoutMs);
      force.unref();
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
