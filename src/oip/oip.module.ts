import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module.js';
import { OipHttpHooks } from './oip-http-hooks.js';
import { OipRepositoryController, OipStatsController } from './oip-extensions.controller.js';
import { OipRepositoryService } from './oip-repository.service.js';
import { OipStatsService } from './oip-stats.service.js';
import { OipController } from './oip.controller.js';
import { OipService } from './oip.service.js';
import { ModelsModule } from '../models/models.module.js';

/**
 * The Open Inference Protocol under /v2: the core protocol, the binary tensor data, statistics
 * and model repository extensions. OipService is exported for the gRPC transport.
 */
@Module({
  imports: [InferenceModule, ModelsModule],
  controllers: [OipStatsController, OipRepositoryController, OipController],
  providers: [OipService, OipStatsService, OipRepositoryService, OipHttpHooks],
  exports: [OipService],
})
export class OipModule {}
