import { Module } from '@nestjs/common';
import { InferenceController } from './inference.controller.js';
import { InferenceService } from './inference.service.js';
import { ModelResolver } from './model-resolver.js';

/** External inference routes: REST under /api/v1/inference. */
@Module({
  controllers: [InferenceController],
  providers: [InferenceService, ModelResolver],
})
export class InferenceModule {}
