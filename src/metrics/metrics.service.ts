import { Injectable } from '@nestjs/common';

export type InferenceOutcome = 'success' | 'error' | 'timeout' | 'rejected' | 'cancelled';

/**
 * The platform's instrumentation surface. Other modules call these methods; the metrics module
 * turns them into Prometheus series and per-model statistics.
 */
@Injectable()
export class MetricsService {
  /** An access token was refused; `reason` is the error code (ACCESS_TOKEN_INVALID, RATE_LIMITED, ...). */
  recordTokenRejection(_reason: string): void {}

  /** One inference request finished (one HTTP item or one v2 request), with its timings in ms. */
  recordInference(_modelId: string, _outcome: InferenceOutcome, _timings: { queueMs?: number; computeMs?: number; totalMs?: number }, _errorCode?: string): void {}

  /** An engine execute() call ran with this many requests. */
  recordBatch(_modelId: string, _batchSize: number): void {}

  /** Current queue depth of a deployed model. */
  setQueueDepth(_modelId: string, _depth: number): void {}

  /** Number of model instances currently loaded in engines. */
  setLoadedModels(_count: number): void {}
}
