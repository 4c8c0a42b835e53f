import { execFile } from 'node:child_process';
import os from 'node:os';
import { Injectable } from '@nestjs/common';

export interface GpuSample {
  index: number;
  utilizationPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
}

/** GPUs as nvidia-smi reports them, or why there are none. */
export type GpuReading = { available: true; gpus: GpuSample[] } | { available: false; reason: string };

export interface CpuTimes {
  idle: number;
  total: number;
}

const MIB = 1024 * 1024;
const NVIDIA_SMI_ARGS = ['--query-gpu=utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'];

/** Parses `nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(output: string): GpuSample[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .flatMap((line, index) => {
      const [utilization, used, total] = line.split(',').map((field) => Number.parseFloat(field.trim()));
      if (![utilization, used, total].every(Number.isFinite)) return [];
      return [{ index, utilizationPercent: utilization, memoryUsedBytes: used * MIB, memoryTotalBytes: total * MIB }];
    });
}

/** The machine's side of observability: OS counters and the nvidia-smi probe. */
@Injectable()
export class HostProbe {
  /** The nvidia-smi executable (found on PATH); a subclass may point it elsewhere. */
  protected nvidiaSmi = 'nvidia-smi';

  cpuTimes(): CpuTimes {
    let idle = 0;
    let total = 0;
    for (const cpu of os.cpus()) {
      const times = cpu.times;
      idle += times.idle;
      total += times.user + times.nice + times.sys + times.idle + times.irq;
    }
    return { idle, total };
  }

  memory(): { totalBytes: number; freeBytes: number; rssBytes: number } {
    return { totalBytes: os.totalmem(), freeBytes: os.freemem(), rssBytes: process.memoryUsage.rss() };
  }

  cpu(): { model: string; cores: number } {
    const cpus = os.cpus();
    return { model: cpus[0]?.model?.trim() ?? 'unknown', cores: cpus.length };
  }

  /** Never rejects: a missing or failing nvidia-smi is a reason, not an error. */
  gpus(): Promise<GpuReading> {
    return new Promise((resolve) => {
      execFile(this.nvidiaSmi, NVIDIA_SMI_ARGS, { timeout: 3000, windowsHide: true }, (error, stdout) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          resolve({ available: false, reason: code === 'ENOENT' ? 'nvidia-smi not found: no NVIDIA GPU driver on this host' : `nvidia-smi failed: ${error.message.split('\n')[0]}` });
          return;
        }
        const gpus = parseNvidiaSmi(stdout);
        resolve(gpus.length > 0 ? { available: true, gpus } : { available: false, reason: 'nvidia-smi reported no GPUs' });
      });
    });
  }
}
