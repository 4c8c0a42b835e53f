import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../metrics/metrics.service.js';

/** How many instance crashes within the window mark a model failed. */
export const CRASH_LIMIT = 3;
export const CRASH_WINDOW_MS = 5 * 60_000;

type FailureListener = (modelId: string, reason: string) => void;

/**
 * Counts crashes of process-isolated instances per model. A model whose instances crash
 * CRASH_LIMIT times within CRASH_WINDOW_MS is reported failed, once, to the listeners (the model
 * store marks it failed and undeploys it); until then each crash just restarts the instance.
 */
@Injectable()
export class CrashMonitor {
  private readonly logger = new Logger('CrashMonitor');
  private readonly crashes = new Map<string, number[]>();
  private readonly listeners: FailureListener[] = [];
  private readonly failed = new Set<string>();

  /** The clock the window is measured on (unit tests replace it). */
  now: () => number = () => Date.now();
  private readonly crashCounter: Counter<'model'>;
  private readonly failureCounter: Counter<'model'>;

  constructor(metrics: MetricsService) {
    this.crashCounter = new Counter({ name: 'modelport_engine_crashes_total', help: 'Deaths of process-isolated model instances (signal, abort, out of memory, memory limit)', labelNames: ['model'] as const, registers: [metrics.registry] });
    this.failureCounter = new Counter({ name: 'modelport_model_crash_failures_total', help: 'Models marked failed after repeated instance crashes', labelNames: ['model'] as const, registers: [metrics.registry] });
  }

  onModelFailed(listener: FailureListener): void {
    this.listeners.push(listener);
  }

  /** Records one crash; true when it made the model failed. */
  crashed(modelId: string, reason: string): boolean {
    const now = this.now();
    const recent = (this.crashes.get(modelId) ?? []).filter((at) => now - at < CRASH_WINDOW_MS);
    recent.push(now);
    this.crashes.set(modelId, recent);
    this.crashCounter.inc({ model: modelId });
    this.logger.warn({ msg: 'Model instance crashed', modelId, reason, crashesInWindow: recent.length });
    if (recent.length < CRASH_LIMIT || this.failed.has(modelId)) return false;
    this.failed.add(modelId);
    this.failureCounter.inc({ model: modelId });
    const summary = `${recent.length} instance crashes within ${CRASH_WINDOW_MS / 60_000} minutes; last: ${reason}`;
    for (const listener of this.listeners) listener(modelId, summary);
    return true;
  }

  /** A new deployment of the model starts with a clean record. */
  reset(modelId: string): void {
    this.crashes.delete(modelId);
    this.failed.delete(modelId);
  }

  hasFailed(modelId: string): boolean {
    return this.failed.has(modelId);
  }
}
