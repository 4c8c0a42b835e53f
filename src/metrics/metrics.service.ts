import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SystemSampler } from '../system/system-sampler.service.js';
import { CumulativeModelStats, InferenceTimings, ModelStats, ModelStatsRecorder } from './model-stats.js';

export type InferenceOutcome = 'success' | 'error' | 'timeout' | 'rejected' | 'cancelled';

/** What prom-client's metric classes all offer, though the registry hands them out as plain MetricObjects. */
interface LabelledMetric {
  labelNames?: string[];
  get(): Promise<{ values: Array<{ labels: Record<string, string | number | undefined> }> }>;
  remove(labels: Record<string, string | number>): void;
}

const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/**
 * The platform's instrumentation surface. Other modules call these methods; each app instance
 * owns its own prom-client Registry (several apps may share one process in tests, so the global
 * default registry is never used) and its own per-model statistics.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly stats = new ModelStatsRecorder();

  private readonly httpRequests = new Counter({ name: 'modelport_http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry] });
  private readonly httpDuration = new Histogram({ name: 'modelport_http_request_duration_seconds', help: 'HTTP request duration by route pattern, method and status', labelNames: ['method', 'route', 'status'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] });
  private readonly inferences = new Counter({ name: 'modelport_inference_requests_total', help: 'Inference requests per model by outcome', labelNames: ['model', 'outcome'] as const, registers: [this.registry] });
  private readonly inferenceErrors = new Counter({ name: 'modelport_inference_errors_total', help: 'Failed inference requests per model by error code', labelNames: ['model', 'code'] as const, registers: [this.registry] });
  private readonly queueTime = new Histogram({ name: 'modelport_inference_queue_seconds', help: 'Time an inference request waited in the model queue', labelNames: ['model'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] });
  private readonly computeTime = new Histogram({ name: 'modelport_inference_compute_seconds', help: 'Engine execution time of the batch an inference request ran in', labelNames: ['model'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] });
  private readonly totalTime = new Histogram({ name: 'modelport_inference_duration_seconds', help: 'End-to-end inference time (decode, queue, compute, postprocess)', labelNames: ['model'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] });
  private readonly batchSizes = new Histogram({ name: 'modelport_batch_size', help: 'Size of executed batches per model', labelNames: ['model'] as const, buckets: BATCH_SIZE_BUCKETS, registers: [this.registry] });
  private readonly queueDepth = new Gauge({ name: 'modelport_queue_depth', help: 'Requests waiting in a model queue', labelNames: ['model'] as const, registers: [this.registry] });
  private readonly loadedModels = new Gauge({ name: 'modelport_loaded_models', help: 'Model instances currently loaded in engines', registers: [this.registry] });
  private readonly grpcCalls = new Counter({ name: 'modelport_grpc_requests_total', help: 'gRPC Open Inference Protocol calls by method and status code', labelNames: ['method', 'code'] as const, registers: [this.registry] });
  private readonly grpcDuration = new Histogram({ name: 'modelport_grpc_request_duration_seconds', help: 'gRPC call duration by method', labelNames: ['method'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] });
  private readonly tokenRejections = new Counter({ name: 'modelport_access_token_rejections_total', help: 'Refused access-token requests by reason (error code)', labelNames: ['reason'] as const, registers: [this.registry] });

  constructor(
    // Both optional so unit tests elsewhere can construct a bare MetricsService.
    @Optional() private readonly adapterHost?: HttpAdapterHost,
    @Optional() private readonly sampler?: SystemSampler,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.registerSystemGauges();
  }

  /** Runs during app.init(), before Fastify is ready, so the hook covers every route. */
  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance<FastifyInstance>();
    this.registerGpuGauges();
    if (!fastify) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      // The route pattern keeps label cardinality bounded; unmatched URLs share one label.
      const labels = { method: request.method, route: request.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) };
      this.httpRequests.inc(labels);
      this.httpDuration.observe(labels, reply.elapsedTime / 1000);
      done();
    });
  }

  /** One gRPC call finished with this status code name (OK, INVALID_ARGUMENT, ...); the gRPC counterpart of the HTTP series. */
  recordGrpcCall(method: string, code: string, seconds: number): void {
    this.grpcCalls.inc({ method, code });
    this.grpcDuration.observe({ method }, seconds);
  }

  /** An access token was refused; `reason` is the error code (ACCESS_TOKEN_INVALID, RATE_LIMITED, ...). */
  recordTokenRejection(reason: string): void {
    this.tokenRejections.inc({ reason });
  }

  /** One inference request finished (one HTTP item or one v2 request), with its timings in ms. */
  recordInference(modelId: string, outcome: InferenceOutcome, timings: InferenceTimings, errorCode?: string): void {
    this.inferences.inc({ model: modelId, outcome });
    if (outcome !== 'success') this.inferenceErrors.inc({ model: modelId, code: errorCode ?? outcome.toUpperCase() });
    if (timings.queueMs !== undefined && timings.queueMs >= 0) this.queueTime.observe({ model: modelId }, timings.queueMs / 1000);
    if (timings.computeMs !== undefined && timings.computeMs >= 0) this.computeTime.observe({ model: modelId }, timings.computeMs / 1000);
    if (timings.totalMs !== undefined && timings.totalMs >= 0) this.totalTime.observe({ model: modelId }, timings.totalMs / 1000);
    this.stats.recordInference(modelId, outcome, timings, errorCode);
  }

  /** An engine execute() call ran with this many requests. */
  recordBatch(modelId: string, batchSize: number): void {
    this.batchSizes.observe({ model: modelId }, batchSize);
    this.stats.recordBatch(modelId, batchSize);
  }

  /** Current queue depth of a deployed model. */
  setQueueDepth(modelId: string, depth: number): void {
    this.queueDepth.set({ model: modelId }, depth);
    this.stats.setQueueDepth(modelId, depth);
  }

  /** Number of model instances currently loaded in engines. */
  setLoadedModels(count: number): void {
    this.loadedModels.set(count);
  }

  modelStats(modelId: string): ModelStats {
    return this.stats.snapshot(modelId);
  }

  /** Cumulative counts and durations (the statistics extension's numbers) for one model. */
  cumulativeStats(modelId: string): CumulativeModelStats {
    return this.stats.cumulative(modelId);
  }

  /**
   * Drops a deleted model's statistics and every Prometheus series labelled with it (on this
   * registry, residency series included), so deleted models leave nothing behind that only grows.
   */
  async forgetModel(modelId: string): Promise<void> {
    this.stats.forget(modelId);
    for (const metric of this.registry.getMetricsAsArray() as unknown as LabelledMetric[]) {
      const { labelNames } = metric;
      if (!labelNames?.includes('model')) continue;
      const seen = new Set<string>();
      for (const { labels } of (await metric.get()).values) {
        if (labels.model !== modelId) continue;
        // Histogram buckets carry `le`, which is not one of the metric's own label names.
        const own = Object.fromEntries(Object.entries(labels).filter(([name]) => labelNames.includes(name))) as Record<string, string | number>;
        const key = JSON.stringify(own);
        if (seen.has(key)) continue;
        seen.add(key);
        metric.remove(own);
      }
    }
  }

  /** How many models this process keeps statistics for. */
  get trackedModels(): number {
    return this.stats.trackedModels;
  }

  /** The Prometheus exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** System gauges read the sampler's latest sample at scrape time. */
  private registerSystemGauges(): void {
    const sampler = this.sampler;
    if (!sampler) return;
    new Gauge({ name: 'modelport_system_cpu_percent', help: 'Host CPU utilisation over the last sampling interval (0-100)', registers: [this.registry], collect() { const s = sampler.latest(); if (s) this.set(s.cpuPercent); } });
    new Gauge({ name: 'modelport_system_memory_used_bytes', help: 'Host memory in use', registers: [this.registry], collect() { const s = sampler.latest(); if (s) this.set(s.memoryUsedBytes); } });
    new Gauge({ name: 'modelport_system_memory_total_bytes', help: 'Host memory in total', registers: [this.registry], collect() { const s = sampler.latest(); if (s) this.set(s.memoryTotalBytes); } });
  }

  /** Registered only when the sampler found a GPU (after its own init), so a GPU-less host has no GPU series at all. */
  private registerGpuGauges(): void {
    const sampler = this.sampler;
    if (!sampler || sampler.gpuReason !== null) return;
    const gpuGauge = (name: string, help: string, pick: (gpu: NonNullable<ReturnType<SystemSampler['latest']>>['gpu'] & object) => Array<[number, number]>) =>
      new Gauge({
        name,
        help,
        labelNames: ['gpu'] as const,
        registers: [this.registry],
        collect() {
          const gpus = sampler.latest()?.gpu;
          if (!gpus) return;
          for (const [index, value] of pick(gpus)) this.set({ gpu: String(index) }, value);
        },
      });
    gpuGauge('modelport_gpu_utilization_percent', 'GPU utilisation from nvidia-smi', (gpus) => gpus.map((g) => [g.index, g.utilizationPercent]));
    gpuGauge('modelport_gpu_memory_used_bytes', 'GPU memory in use from nvidia-smi', (gpus) => gpus.map((g) => [g.index, g.memoryUsedBytes]));
    gpuGauge('modelport_gpu_memory_total_bytes', 'GPU memory in total from nvidia-smi', (gpus) => gpus.map((g) => [g.index, g.memoryTotalBytes]));
  }
}
