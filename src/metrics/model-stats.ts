import type { InferenceOutcome } from './metrics.service.js';
import { SampleRing } from './sample-ring.js';

/** How many recent timings per model the percentiles are computed over. */
export const STATS_RESERVOIR_SIZE = 2048;

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  /** How many recent samples the percentiles cover (at most STATS_RESERVOIR_SIZE). */
  samples: number;
}

export interface ModelStats {
  modelId: string;
  requests: { total: number; success: number; errors: number; byOutcome: Record<string, number> };
  errorsByCode: Record<string, number>;
  latencyMs: { queue: LatencySummary; compute: LatencySummary; total: LatencySummary };
  batchSizes: Record<string, number>;
  queueDepth: number;
}

/** A count and the summed duration of what it counts, since the process started. */
export interface DurationTotal {
  count: number;
  totalMs: number;
}

/**
 * Cumulative per-model numbers in the shape the Open Inference Protocol statistics extension
 * reports: successes and failures with their end-to-end time, and the time successful requests
 * spent queued, converting inputs, executing and converting outputs.
 */
export interface CumulativeModelStats {
  success: DurationTotal;
  fail: DurationTotal;
  queue: DurationTotal;
  computeInput: DurationTotal;
  computeInfer: DurationTotal;
  computeOutput: DurationTotal;
  /** Engine execute() calls (batches). */
  executions: number;
  /** Epoch ms of the last finished request, 0 when none. */
  lastInferenceMs: number;
}

export interface InferenceTimings {
  queueMs?: number;
  computeMs?: number;
  totalMs?: number;
  /** Decoding and checking the inputs (image preprocessing, tensor conversion). */
  inputMs?: number;
  /** Postprocessing the outputs. */
  outputMs?: number;
}

const zeroTotal = (): DurationTotal => ({ count: 0, totalMs: 0 });

function addDuration(total: DurationTotal, ms: number | undefined): void {
  if (!isFiniteNonNegative(ms)) return;
  total.count += 1;
  total.totalMs += ms;
}

class ModelCounters {
  total = 0;
  success = 0;
  readonly byOutcome = new Map<string, number>();
  readonly errorsByCode = new Map<string, number>();
  readonly batchSizes = new Map<number, number>();
  queueDepth = 0;
  readonly queue = new SampleRing(STATS_RESERVOIR_SIZE);
  readonly compute = new SampleRing(STATS_RESERVOIR_SIZE);
  readonly endToEnd = new SampleRing(STATS_RESERVOIR_SIZE);
  readonly cumulative: CumulativeModelStats = {
    success: zeroTotal(),
    fail: zeroTotal(),
    queue: zeroTotal(),
    computeInput: zeroTotal(),
    computeInfer: zeroTotal(),
    computeOutput: zeroTotal(),
    executions: 0,
    lastInferenceMs: 0,
  };
}

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function summarize(ring: SampleRing): LatencySummary {
  const [p50, p95, p99] = ring.percentiles([50, 95, 99]).map((value) => Math.round(value * 1000) / 1000);
  return { p50, p95, p99, samples: ring.size };
}

/** In-memory per-model counters and recent-latency reservoirs behind GET /models/:id/stats. */
export class ModelStatsRecorder {
  private readonly models = new Map<string, ModelCounters>();

  constructor(private readonly now: () => number = Date.now) {}

  private countersFor(modelId: string): ModelCounters {
    let counters = this.models.get(modelId);
    if (!counters) {
      counters = new ModelCounters();
      this.models.set(modelId, counters);
    }
    return counters;
  }

  recordInference(modelId: string, outcome: InferenceOutcome, timings: InferenceTimings, errorCode?: string): void {
    const counters = this.countersFor(modelId);
    const { cumulative } = counters;
    cumulative.lastInferenceMs = this.now();
    if (outcome === 'success') {
      addDuration(cumulative.success, timings.totalMs ?? 0);
      addDuration(cumulative.queue, timings.queueMs);
      addDuration(cumulative.computeInput, timings.inputMs);
      addDuration(cumulative.computeInfer, timings.computeMs);
      addDuration(cumulative.computeOutput, timings.outputMs);
    } else {
      addDuration(cumulative.fail, timings.totalMs ?? 0);
    }
    counters.total += 1;
    increment(counters.byOutcome, outcome);
    if (outcome === 'success') counters.success += 1;
    else increment(counters.errorsByCode, errorCode ?? outcome.toUpperCase());
    if (isFiniteNonNegative(timings.queueMs)) counters.queue.push(timings.queueMs);
    if (isFiniteNonNegative(timings.computeMs)) counters.compute.push(timings.computeMs);
    if (isFiniteNonNegative(timings.totalMs)) counters.endToEnd.push(timings.totalMs);
  }

  recordBatch(modelId: string, size: number): void {
    if (!Number.isInteger(size) || size <= 0) return;
    const counters = this.countersFor(modelId);
    increment(counters.batchSizes, size);
    counters.cumulative.executions += 1;
  }

  /** Cumulative totals for one model (copies); zeros for a model that has seen no traffic. */
  cumulative(modelId: string): CumulativeModelStats {
    const source = (this.models.get(modelId) ?? new ModelCounters()).cumulative;
    const copy = (total: DurationTotal): DurationTotal => ({ ...total });
    return {
      success: copy(source.success),
      fail: copy(source.fail),
      queue: copy(source.queue),
      computeInput: copy(source.computeInput),
      computeInfer: copy(source.computeInfer),
      computeOutput: copy(source.computeOutput),
      executions: source.executions,
      lastInferenceMs: source.lastInferenceMs,
    };
  }

  /** Frees everything kept for a model (it was deleted). */
  forget(modelId: string): void {
    this.models.delete(modelId);
  }

  /** How many models have counters (bounded by the models that exist). */
  get trackedModels(): number {
    return this.models.size;
  }

  setQueueDepth(modelId: string, depth: number): void {
    this.countersFor(modelId).queueDepth = Math.max(0, depth);
  }

  /** Stats for one model; a model that has seen no traffic gets zeros. */
  snapshot(modelId: string): ModelStats {
    const counters = this.models.get(modelId) ?? new ModelCounters();
    return {
      modelId,
      requests: {
        total: counters.total,
        success: counters.success,
        errors: counters.total - counters.success,
        byOutcome: Object.fromEntries(counters.byOutcome),
      },
      errorsByCode: Object.fromEntries(counters.errorsByCode),
      latencyMs: { queue: summarize(counters.queue), compute: summarize(counters.compute), total: summarize(counters.endToEnd) },
      batchSizes: Object.fromEntries([...counters.batchSizes.entries()].sort((a, b) => a[0] - b[0]).map(([size, count]) => [String(size), count])),
      queueDepth: counters.queueDepth,
    };
  }
}

function isFiniteNonNegative(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
