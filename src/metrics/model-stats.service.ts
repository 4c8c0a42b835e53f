import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { MetricsService } from './metrics.service.js';
import { ModelLookupRepository } from './model-lookup.repository.js';
import type { ModelStats } from './model-stats.js';

@Injectable()
export class ModelStatsService {
  constructor(
    private readonly models: ModelLookupRepository,
    private readonly metrics: MetricsService,
  ) {}

  /** Stats since this process started; zeros for a model that exists but has had no traffic. */
  async statsFor(idOrName: string): Promise<ModelStats> {
    const modelId = await this.models.resolveId(idOrName);
    if (!modelId) throw ApiError.notFound('MODEL_NOT_FOUND', `No model with id or name "${idOrName.slice(0, 200)}"`);
    return this.metrics.modelStats(modelId);
  }
}
