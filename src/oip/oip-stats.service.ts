import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../auth/auth.types.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DurationTotal } from '../metrics/model-stats.js';
import type { ActiveDeployment } from '../serving/deployment-manager.js';
import { DeploymentManager } from '../serving/deployment-manager.js';
import { ALL_MODELS } from '../tokens/access-token.types.js';
import { OipService } from './oip.service.js';

export interface StatDuration {
  count: number;
  ns: number;
}

/** One entry of the statistics extension's `model_stats`, in Triton's format. */
export interface OipModelStatistics {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: Record<'success' | 'fail' | 'queue' | 'compute_input' | 'compute_infer' | 'compute_output' | 'cache_hit' | 'cache_miss', StatDuration>;
  batch_stats: Array<{ batch_size: number; compute_input: StatDuration; compute_infer: StatDuration; compute_output: StatDuration }>;
}

const toNs = (total: DurationTotal): StatDuration => ({ count: total.count, ns: Math.round(total.totalMs * 1e6) });
const NONE: StatDuration = { count: 0, ns: 0 };

/**
 * The statistics extension. Every number comes from MetricsService, the same recorder behind
 * /metrics and the admin stats route, so the three never disagree.
 */
@Injectable()
export class OipStatsService {
  constructor(
    private readonly oip: OipService,
    private readonly deployments: DeploymentManager,
    private readonly metrics: MetricsService,
  ) {}

  /** Every deployed model the caller's access token may use. */
  all(auth: AuthContext | undefined): { model_stats: OipModelStatistics[] } {
    const allowed = auth?.kind === 'accessToken' ? auth.token.allowedModels : [ALL_MODELS];
    const visible = this.deployments.list().filter((deployment) => allowed.includes(ALL_MODELS) || allowed.includes(deployment.spec.modelId));
    visible.sort((a, b) => a.spec.modelName.localeCompare(b.spec.modelName));
    return { model_stats: visible.map((deployment) => this.statsOf(deployment)) };
  }

  async one(name: string, version?: string): Promise<{ model_stats: OipModelStatistics[] }> {
    return { model_stats: [this.statsOf(await this.oip.resolve(name, version))] };
  }

  private statsOf(deployment: ActiveDeployment): OipModelStatistics {
    const { modelId, modelName, version } = deployment.spec;
    const totals = this.metrics.cumulativeStats(modelId);
    const batches = this.metrics.modelStats(modelId).batchSizes;
    return {
      name: modelName,
      version: String(version),
      last_inference: totals.lastInferenceMs,
      inference_count: totals.success.count,
      execution_count: totals.executions,
      inference_stats: {
        success: toNs(totals.success),
        fail: toNs(totals.fail),
        queue: toNs(totals.queue),
        compute_input: toNs(totals.computeInput),
        compute_infer: toNs(totals.computeInfer),
        compute_output: toNs(totals.computeOutput),
        cache_hit: NONE,
        cache_miss: NONE,
      },
      // Executions are counted per batch size; their durations are only tracked per request.
      batch_stats: Object.entries(batches).map(([size, count]) => ({
        batch_size: Number(size),
        compute_input: { count, ns: 0 },
        compute_infer: { count, ns: 0 },
        compute_output: { count, ns: 0 },
      })),
    };
  }
}
