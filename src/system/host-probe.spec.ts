import { describe, expect, it } from 'vitest';
import { HostProbe, parseNvidiaSmi } from './host-probe.js';

describe('parseNvidiaSmi', () => {
  it('reads one GPU per line in MiB', () => {
    expect(parseNvidiaSmi('37, 1024, 16384\n5, 0, 8192\n')).toEqual([
      { index: 0, utilizationPercent: 37, memoryUsedBytes: 1024 * 1048576, memoryTotalBytes: 16384 * 1048576 },
      { index: 1, utilizationPercent: 5, memoryUsedBytes: 0, memoryTotalBytes: 8192 * 1048576 },
    ]);
  });

  it('skips lines it cannot read', () => {
    expect(parseNvidiaSmi('[N/A], 10, 20\n\ngarbage\n')).toEqual([]);
  });
});

describe('HostProbe.gpus', () => {
  it('reports a reason instead of failing when nvidia-smi is absent', async () => {
    const reading = await new HostProbe().gpus();
    // This project's machines have no NVIDIA driver; a GPU host would take the other branch.
    if (reading.available) expect(reading.gpus.length).toBeGreaterThan(0);
    else expect(reading.reason).toMatch(/nvidia-smi/);
  });
});
