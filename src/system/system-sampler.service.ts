import { Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { CpuTimes, GpuSample, HostProbe } from './host-probe.js';

export interface SystemSample {
  timestamp: string;
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  rssBytes: number;
  /** null when no GPU can be read (see gpuReason in system info). */
  gpu: GpuSample[] | null;
}

const RETENTION_MS = 24 * 60 * 60 * 1000;
/** Bounds memory when a tiny sampling interval is configured (a 24 h window at 5 s is 17 280 samples). */
const MAX_SAMPLES = 100_000;

/**
 * Samples CPU, memory and GPU every `metrics.systemSampleIntervalMs` into an in-memory ring that
 * covers the last 24 hours. The timer is unref'd so it never keeps the process alive.
 */
@Injectable()
export class SystemSampler implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('system');
  readonly intervalMs: number;
  readonly capacity: number;
  private readonly ring: SystemSample[] = [];
  private next = 0;
  private timer?: NodeJS.Timeout;
  private previousCpu?: CpuTimes;
  private gpuAvailable = true;
  private gpuReasonText: string | null = null;
  private sampling = false;

  constructor(
    config: AppConfig,
    private readonly host: HostProbe,
  ) {
    this.intervalMs = config.metrics.systemSampleIntervalMs;
    this.capacity = Math.min(MAX_SAMPLES, Math.ceil(RETENTION_MS / this.intervalMs));
  }

  async onModuleInit(): Promise<void> {
    this.previousCpu = this.host.cpuTimes();
    const reading = await this.host.gpus();
    if (!reading.available) {
      this.gpuAvailable = false;
      this.gpuReasonText = reading.reason;
      this.logger.log({ msg: 'No GPU metrics', reason: reading.reason });
    }
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stop();
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Why GPU fields are null, or null when GPUs are being sampled. */
  get gpuReason(): string | null {
    return this.gpuReasonText;
  }

  /** Takes one sample now and stores it; returns it. Overlapping calls are skipped. */
  async sample(): Promise<SystemSample | undefined> {
    if (this.sampling) return undefined;
    this.sampling = true;
    try {
      const cpu = this.host.cpuTimes();
      const previous = this.previousCpu ?? cpu;
      this.previousCpu = cpu;
      const totalDelta = cpu.total - previous.total;
      const cpuPercent = totalDelta > 0 ? Math.round((1 - (cpu.idle - previous.idle) / totalDelta) * 1000) / 10 : 0;
      const memory = this.host.memory();
      let gpu: GpuSample[] | null = null;
      if (this.gpuAvailable) {
        const reading = await this.host.gpus();
        gpu = reading.available ? reading.gpus : null;
      }
      const sample: SystemSample = {
        timestamp: new Date().toISOString(),
        cpuPercent: Math.max(0, Math.min(100, cpuPercent)),
        memoryUsedBytes: memory.totalBytes - memory.freeBytes,
        memoryTotalBytes: memory.totalBytes,
        rssBytes: memory.rssBytes,
        gpu,
      };
      this.store(sample);
      return sample;
    } finally {
      this.sampling = false;
    }
  }

  private store(sample: SystemSample): void {
    if (this.ring.length < this.capacity) this.ring.push(sample);
    else this.ring[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Samples oldest first, optionally only those taken after `sinceMs` (epoch ms). */
  series(sinceMs?: number): SystemSample[] {
    const ordered = this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return sinceMs === undefined ? ordered : ordered.filter((sample) => Date.parse(sample.timestamp) > sinceMs);
  }

  latest(): SystemSample | undefined {
    if (this.ring.length === 0) return undefined;
    return this.ring[(this.next - 1 + this.capacity) % this.capacity] ?? this.ring[this.ring.length - 1];
  }
}
