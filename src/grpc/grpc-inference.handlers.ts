import { Injectable, Logger } from '@nestjs/common';
import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
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
  ) {}

  implementation(): UntypedServiceImplementation {
    return {
      ServerLive: this.unary(async () => ({ live: this.oip.isLive() })),
      ServerReady: this.unary(async () => ({ ready: this.oip.isReady() })),
      ServerMetadata: this.unary(async () => this.oip.serverMetadata()),
      ModelReady: this.unary(async (call) => {
        const { name, version } = this.target(call.request);
        await this.auth.authenticate(call.metadata, call.getPeer(), name, false);
        return { ready: (await this.oip.modelReady(name, version)).ready };
      }),
      ModelMetadata: this.unary(async (call) => {
        const { name, version } = this.target(call.request);
        await this.auth.authenticate(call.metadata, call.getPeer(), name, false);
        const { id: _id, ...metadata } = await this.oip.modelMetadata(name, version);
        return metadata;
      }),
      ModelInfer: this.unary(async (call) => {
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

  private unary(handler: (call: Call) => Promise<unknown>) {
    return (call: Call, callback: sendUnaryData<unknown>) => {
      handler(call).then(
        (response) => callback(null, response),
        (error: unknown) => {
          const grpcError = toGrpcError(error);
          if (grpcError.code === 13) this.logger.error({ msg: 'Unhandled gRPC error', error: (error as Error)?.stack ?? String(error) });
          callback({ code: grpcError.code, details: grpcError.details, metadata: grpcError.metadata });
        },
      );
    };
  }
}
