import { Module } from '@nestjs/common';
import { InferenceController } from './inference.controller.js';
import { InferenceService } from './inference.service.js';
import { KserveController } from './kserve.controller.js';
import { KserveService } from './kserve.service.js';
import { ModelResolver } from './model-resolver.js';

/** External inference routes: REST under /api/v1/inference and KServe v2 under /v2. */
@Module({
  controllers: [InferenceController, KserveController],
  providers: [InferenceService, KserveService, ModelResolver],
})
export class InferenceModule {}
