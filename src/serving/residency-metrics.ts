import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type LoadTrigger = 'deploy' | 'demand';
export type EvictionReason = 'lru' | 'idle' | 'manual';

const COLD_START_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Prometheus series of model residency, registered on the app's own registry. */
export class ResidencyMetrics {
  private readonly modelBytes: Gauge<'model'>;
  private readonly loads: Counter<'model' | 'trigger'>;
  private readonly evictions: Counter<'model' | 'reason'>;
  private readonly coldStarts: Histogram<'model'>;

  constructor(registry: Registry, budgetBytes: number, usedBytes: () => number) {
    this.modelBytes = new Gauge({ name: 'modelport_model_memory_bytes', help: 'Measured resident memory of the loaded instances of a model', labelNames: ['model'] as const, registers: [registry] });
    this.loads = new Counter({ name: 'modelport_model_loads_total', help: 'Model loads by trigger (deploy of a pinned model, or the first request to an unloaded on-demand model)', labelNames: ['model', 'trigger'] as const, registers: [registry] });
    this.evictions = new Counter({ name: 'modelport_model_evictions_total', help: 'On-demand model unloads by reason (lru = to make room, idle, manual)', labelNames: ['model', 'reason'] as const, registers: [registry] });
    this.coldStarts = new Histogram({ name: 'modelport_model_cold_start_seconds', help: 'Time from the first request to an unloaded on-demand model until its instances were loaded', labelNames: ['model'] as const, buckets: COLD_START_BUCKETS_SECONDS, registers: [registry] });
    new Gauge({ name: 'modelport_memory_budget_bytes', help: 'MODEL_MEMORY_BUDGET_MB in bytes (0 = unlimited)', registers: [registry] }).set(budgetBytes);
    new Gauge({
      name: 'modelport_memory_loaded_bytes',
      help: 'Measured resident memory of every loaded model instance',
      registers: [registry],
      collect() {
        this.set(usedBytes());
      },
    });
  }

  loaded(modelId: string, trigger: LoadTrigger, bytes: number): void {
    this.loads.inc({ model: modelId, trigger });
    this.modelBytes.set({ model: modelId }, bytes);
  }

  evicted(modelId: string, reason: EvictionReason): void {
    this.evictions.inc({ model: modelId, reason });
    this.modelBytes.set({ model: modelId }, 0);
  }

  coldStart(modelId: string, ms: number): void {
    this.coldStarts.observe({ model: modelId }, ms / 1000);
  }

  forget(modelId: string): void {
    this.modelBytes.remove({ model: modelId });
  }
}
