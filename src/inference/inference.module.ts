import { Module } from '@nestjs/common';
import { BufferPool } from '../common/buffer-pool.js';
import { InferenceController } from './inference.controller.js';
import { InternalInferenceController } from './internal-inference.controller.js';
import { InferenceService } from './inference.service.js';
import { ModelResolver } from './model-resolver.js';

/** External REST inference routes under /api/v1/inference and the console's Try it (the v2 protocol lives in src/oip). */
@Module({
  controllers: [InferenceController, InternalInferenceController],
  providers: [InferenceService, ModelResolver, { provide: BufferPool, useFactory: () => new BufferPool() }],
  exports: [ModelResolver],
})
export class InferenceModule {}
