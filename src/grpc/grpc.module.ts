import { Module } from '@nestjs/common';
import { OipModule } from '../oip/oip.module.js';
import { GrpcCallAuth } from './grpc-call-auth.js';
import { GrpcInferenceHandlers } from './grpc-inference.handlers.js';
import { GrpcServer } from './grpc-server.js';

/** The Open Inference Protocol over gRPC, on the same OipService as the REST routes. */
@Module({
  imports: [OipModule],
  providers: [GrpcCallAuth, GrpcInferenceHandlers, GrpcServer],
  exports: [GrpcServer],
})
export class GrpcModule {}
