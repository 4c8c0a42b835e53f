import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { projectRoot } from '../config/app-config.js';
import { HostProbe, GpuSample } from './host-probe.js';
import { EngineVersionSource, EngineVersion } from './engine-version.source.js';
import { SystemCountsRepository } from './system-counts.repository.js';
import { SystemSample, SystemSampler } from './system-sampler.service.js';

export interface SystemInfo {
  version: string;
  uptimeSeconds: number;
  startedAt: string;
  node: string;
  platform: string;
  engines: EngineVersion[];
  models: { total: number; byStatus: Record<string, number> };
  tokens: { total: number; byStatus: Record<string, number> };
  hardware: {
    cpu: { model: string; cores: number };
    memory: { totalBytes: number; freeBytes: number };
    gpus: GpuSample[];
    /** Why `gpus` is empty (null when GPUs were found). */
    gpuReason: string | null;
  };
}

export interface SystemSeries {
  intervalMs: number;
  retentionSamples: number;
  items: SystemSample[];
}

let packageVersion: string | undefined;
/** The package.json version, read once. */
export function readPackageVersion(): string {
  if (packageVersion === undefined) {
    try {
      packageVersion = String(JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version ?? 'unknown');
    } catch {
      packageVersion = 'unknown';
    }
  }
  return packageVersion;
}

@Injectable()
export class SystemInfoService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly host: HostProbe,
    private readonly sampler: SystemSampler,
    private readonly counts: SystemCountsRepository,
    private readonly engines: EngineVersionSource,
  ) {}

  async info(): Promise<SystemInfo> {
    const [modelCounts, tokenCounts, gpuReading] = await Promise.all([
      this.counts.modelsByStatus(),
      this.counts.tokensByStatus(new Date()),
      this.sampler.gpuReason === null ? this.host.gpus() : Promise.resolve({ available: false as const, reason: this.sampler.gpuReason }),
    ]);
    const memory = this.host.memory();
    return {
      version: readPackageVersion(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      startedAt: new Date(this.startedAt).toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      engines: await this.engines.list(),
      models: { total: sum(modelCounts), byStatus: modelCounts },
      tokens: { total: sum(tokenCounts), byStatus: tokenCounts },
      hardware: {
        cpu: this.host.cpu(),
        memory: { totalBytes: memory.totalBytes, freeBytes: memory.freeBytes },
        gpus: gpuReading.available ? gpuReading.gpus : [],
        gpuReason: gpuReading.available ? null : gpuReading.reason,
      },
    };
  }

  series(sinceMs?: number): SystemSeries {
    return { intervalMs: this.sampler.intervalMs, retentionSamples: this.sampler.capacity, items: this.sampler.series(sinceMs) };
  }
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}
