import { Injectable, Logger } from '@nestjs/common';
import { status as GrpcStatus, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OipService } from '../oip/oip.service.js';
import { GrpcCallAuth } from './grpc-call-auth.js';
import { fromGrpcInferRequest, GrpcInferRequest, toGrpcInferResponse } from './grpc-codec.js';
import { toGrpcError } from './grpc-status.js';

type Call = ServerUnaryCall<Record<string, unknown>, unknown>;

/**
 * GRPCInferenceService's RPCs, each a thin mapping onto OipService (the same code path as the
 * v2 REST routes). Server-level RPCs are public like /v2/health; model RPCs need an access token.
 */
@Injectable()
export class GrpcInferenceHandlers {
  private readonly logger = new Logger('GrpcInference');

  constructor(
    private readonly oip: OipService,
    private readonly auth: GrpcCallAuth,
    private readonly metrics: MetricsService,
  ) {}

  implementation(): UntypedServiceImplementation {
    return {
      ServerLive: this.unary('ServerLive', async () => ({ live: this.oip.isLive() })),
      ServerReady: this.unary('ServerReady', async () => ({ ready: this.oip.isReady() })),
      ServerMetadata: this.unary('ServerMetadata', async () => this.oip.serverMetadata()),
      ModelReady: this.unary('ModelReady', async (call) => {
        const { name, version } = this.target(call.request);
        await this.auth.authenticate(call.metadata, call.getPeer(), name, false);
        return { ready: (await this.oip.modelReady(name, version)).ready };
      }),
      ModelMetadata: this.unary('ModelMetadata', async (call) => {
        const { name, version } = this.target(call.request);
        await this.auth.authenticate(call.metadata, call.getPeer(), name, false);
        const { id: _id, ...metadata } = await this.oip.modelMetadata(name, version);
        return metadata;
      }),
      ModelInfer: this.unary('ModelInfer', async (call) => {
        const request = call.request as GrpcInferRequest;
        const name = request.model_name ?? '';
        const usage = await this.auth.authenticate(call.metadata, call.getPeer(), name, true);
        const cancelled = new AbortController();
        call.once('cancelled', () => cancelled.abort());
        try {
          const result = await this.oip.infer(name, request.model_version || undefined, () => fromGrpcInferRequest(request), { signal: cancelled.signal });
          return toGrpcInferResponse(result);
        } catch (error) {
          usage.refund();
          throw error;
        }
      }),
    };
  }

  private target(request: Record<string, unknown>): { name: string; version: string | undefined } {
    return { name: String(request.name ?? ''), version: typeof request.version === 'string' && request.version !== '' ? request.version : undefined };
  }

  private unary(method: string, handler: (call: Call) => Promise<unknown>) {
    return (call: Call, callback: sendUnaryData<unknown>) => {
      const started = performance.now();
      const done = (code: GrpcStatus) => this.metrics.recordGrpcCall(method, GrpcStatus[code] ?? String(code), (performance.now() - started) / 1000);
      handler(call).then(
        (response) => {
          done(GrpcStatus.OK);
          callback(null, response);
        },
        (error: unknown) => {
          const grpcError = toGrpcError(error);
          if (grpcError.code === GrpcStatus.INTERNAL) this.logger.error({ msg: 'Unhandled gRPC error', method, error: (error as Error)?.stack ?? String(error) });
          done(grpcError.code);
          callback({ code: grpcError.code, details: grpcError.details, metadata: grpcError.metadata });
        },
      );
    };
  }
}
