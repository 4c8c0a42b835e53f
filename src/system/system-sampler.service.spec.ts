import { describe, expect, it } from 'vitest';
import { AppConfig } from '../config/app-config.js';
import { CpuTimes, GpuReading, HostProbe } from './host-probe.js';
import { SystemSampler } from './system-sampler.service.js';

class FakeHost extends HostProbe {
  times: CpuTimes = { idle: 0, total: 0 };
  gpuReading: GpuReading = { available: false, reason: 'nvidia-smi not found' };
  override cpuTimes(): CpuTimes {
    return this.times;
  }
  override memory() {
    return { totalBytes: 1000, freeBytes: 250, rssBytes: 42 };
  }
  override async gpus(): Promise<GpuReading> {
    return this.gpuReading;
  }
}

function samplerWith(host: FakeHost, intervalMs: number): SystemSampler {
  return new SystemSampler({ metrics: { token: '', systemSampleIntervalMs: intervalMs } } as AppConfig, host);
}

describe('SystemSampler', () => {
  it('computes CPU percent from the idle/total delta between samples', async () => {
    const host = new FakeHost();
    const sampler = samplerWith(host, 1000);
    await sampler.onModuleInit();
    host.times = { idle: 300, total: 1000 };
    const sample = await sampler.sample();
    sampler.onModuleDestroy();
    expect(sample).toMatchObject({ cpuPercent: 70, memoryUsedBytes: 750, memoryTotalBytes: 1000, rssBytes: 42, gpu: null });
    expect(sampler.gpuReason).toBe('nvidia-smi not found');
  });

  it('includes GPU readings when a GPU is present', async () => {
    const host = new FakeHost();
    host.gpuReading = { available: true, gpus: [{ index: 0, utilizationPercent: 12, memoryUsedBytes: 1, memoryTotalBytes: 2 }] };
    const sampler = samplerWith(host, 1000);
    await sampler.onModuleInit();
    const sample = await sampler.sample();
    sampler.onModuleDestroy();
    expect(sample?.gpu).toEqual(host.gpuReading.available ? host.gpuReading.gpus : null);
    expect(sampler.gpuReason).toBeNull();
  });

  it('keeps a bounded ring covering 24 hours, oldest first', async () => {
    const host = new FakeHost();
    const sampler = samplerWith(host, 3_600_000);
    expect(sampler.capacity).toBe(24);
    for (let i = 0; i < 30; i += 1) {
      host.times = { idle: 0, total: (i + 1) * 100 };
      await sampler.sample();
    }
    const series = sampler.series();
    expect(series).toHaveLength(24);
    expect(sampler.latest()).toBe(series[series.length - 1]);
    expect(series.map((s) => Date.parse(s.timestamp))).toEqual(series.map((s) => Date.parse(s.timestamp)).sort((a, b) => a - b));
  });
});
