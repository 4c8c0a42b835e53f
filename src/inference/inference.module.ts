import { Module } from '@nestjs/common';
import { InferenceController } from './inference.controller.js';
import { InternalInferenceController } from './internal-inference.controller.js';
import { InferenceService } from './inference.service.js';
import { KserveController } from './kserve.controller.js';
import { KserveService } from './kserve.service.js';
import { ModelResolver } from './model-resolver.js';

/** Inference routes: REST under /api/v1/inference, KServe v2 under /v2, and the console's Try it. */
@Module({
  controllers: [InferenceController, InternalInferenceController, KserveController],
  providers: [InferenceService, KserveService, ModelResolver],
})
export class InferenceModule {}
