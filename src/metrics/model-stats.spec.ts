import { describe, expect, it } from 'vitest';
import { ModelStatsRecorder, STATS_RESERVOIR_SIZE } from './model-stats.js';
import { SampleRing } from './sample-ring.js';

describe('SampleRing', () => {
  it('gives nearest-rank percentiles and zeros when empty', () => {
    const ring = new SampleRing(200);
    expect(ring.percentiles([50, 99])).toEqual([0, 0]);
    for (let value = 1; value <= 100; value += 1) ring.push(value);
    expect(ring.percentiles([50, 95, 99, 100])).toEqual([50, 95, 99, 100]);
  });

  it('keeps only the most recent samples', () => {
    const ring = new SampleRing(10);
    for (let value = 1; value <= 25; value += 1) ring.push(value);
    expect(ring.size).toBe(10);
    expect(ring.percentiles([1, 100])).toEqual([16, 25]);
  });
});

describe('ModelStatsRecorder', () => {
  it('returns zeros for a model without traffic', () => {
    const stats = new ModelStatsRecorder().snapshot('m1');
    expect(stats.requests).toEqual({ total: 0, success: 0, errors: 0, byOutcome: {} });
    expect(stats.latencyMs.queue).toEqual({ p50: 0, p95: 0, p99: 0, samples: 0 });
    expect(stats.batchSizes).toEqual({});
    expect(stats.queueDepth).toBe(0);
  });

  it('counts outcomes, error codes, batch sizes and timings per model', () => {
    const recorder = new ModelStatsRecorder();
    for (let i = 1; i <= 10; i += 1) recorder.recordInference('m1', 'success', { queueMs: i, computeMs: 10 * i, totalMs: 11 * i });
    recorder.recordInference('m1', 'error', { totalMs: 3 }, 'INVALID_IMAGE');
    recorder.recordInference('m1', 'timeout', {});
    recorder.recordInference('m2', 'success', { queueMs: 1000 });
    recorder.recordBatch('m1', 4);
    recorder.recordBatch('m1', 4);
    recorder.recordBatch('m1', 1);
    recorder.recordBatch('m1', 0);
    recorder.setQueueDepth('m1', 3);
    const stats = recorder.snapshot('m1');
    expect(stats.requests).toEqual({ total: 12, success: 10, errors: 2, byOutcome: { success: 10, error: 1, timeout: 1 } });
    expect(stats.errorsByCode).toEqual({ INVALID_IMAGE: 1, TIMEOUT: 1 });
    expect(stats.latencyMs.queue).toEqual({ p50: 5, p95: 10, p99: 10, samples: 10 });
    expect(stats.latencyMs.compute.p50).toBe(50);
    expect(stats.batchSizes).toEqual({ '1': 1, '4': 2 });
    expect(stats.queueDepth).toBe(3);
    expect(recorder.snapshot('m2').requests.total).toBe(1);
  });

  it('ignores invalid timings and bounds memory', () => {
    const recorder = new ModelStatsRecorder();
    recorder.recordInference('m', 'success', { queueMs: Number.NaN, computeMs: -1, totalMs: Number.POSITIVE_INFINITY });
    for (let i = 0; i < STATS_RESERVOIR_SIZE * 2; i += 1) recorder.recordInference('m', 'success', { queueMs: 1 });
    const stats = recorder.snapshot('m');
    expect(stats.latencyMs.queue.samples).toBe(STATS_RESERVOIR_SIZE);
    expect(stats.latencyMs.compute.samples).toBe(0);
    expect(stats.requests.total).toBe(STATS_RESERVOIR_SIZE * 2 + 1);
  });
});

describe('MetricsService without an HTTP adapter', () => {
  it('records into its own registry and per-model stats', async () => {
    const { MetricsService } = await import('./metrics.service.js');
    const metrics = new MetricsService();
    metrics.onModuleInit();
    metrics.recordInference('m', 'rejected', { totalMs: 1 }, 'QUEUE_FULL');
    metrics.recordBatch('m', 2);
    const { body } = await metrics.exposition();
    expect(body).toMatch(/^modelport_inference_requests_total\{model="m",outcome="rejected"\} 1$/m);
    expect(body).toMatch(/^modelport_inference_errors_total\{model="m",code="QUEUE_FULL"\} 1$/m);
    expect(metrics.modelStats('m')).toMatchObject({ requests: { total: 1, errors: 1 }, errorsByCode: { QUEUE_FULL: 1 }, batchSizes: { '2': 1 } });
  });
});

describe('cumulative statistics (the Open Inference Protocol statistics extension)', () => {
  it('sums durations per phase for successes, counts failures, executions and the last request time', () => {
    let now = 1000;
    const recorder = new ModelStatsRecorder(() => now);
    recorder.recordInference('m', 'success', { queueMs: 1, computeMs: 2, totalMs: 5, inputMs: 0.5, outputMs: 0.25 });
    now = 2000;
    recorder.recordInference('m', 'success', { queueMs: 3, computeMs: 4, totalMs: 9 });
    recorder.recordInference('m', 'rejected', { totalMs: 0.1 }, 'QUEUE_FULL');
    recorder.recordBatch('m', 2);
    const totals = recorder.cumulative('m');
    expect(totals).toEqual({
      success: { count: 2, totalMs: 14 },
      fail: { count: 1, totalMs: 0.1 },
      queue: { count: 2, totalMs: 4 },
      computeInput: { count: 1, totalMs: 0.5 },
      computeInfer: { count: 2, totalMs: 6 },
      computeOutput: { count: 1, totalMs: 0.25 },
      executions: 1,
      lastInferenceMs: 2000,
    });
    totals.success.count = 99;
    expect(recorder.cumulative('m').success.count).toBe(2);
    expect(recorder.cumulative('other').success).toEqual({ count: 0, totalMs: 0 });
  });
});
