import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** A HostProbe whose nvidia-smi is a script of the test's own. */
class ScriptedProbe extends HostProbe {
  constructor(path: string) {
    super();
    this.nvidiaSmi = path;
  }
}

describe('HostProbe.gpus', () => {
  let dir: string;
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'host-probe-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the GPUs nvidia-smi reports', async () => {
    const probe = new ScriptedProbe(script('two-gpus', "echo '37, 1024, 16384'; echo '5, 0, 8192'"));
    expect(await probe.gpus()).toEqual({
      available: true,
      gpus: [
        { index: 0, utilizationPercent: 37, memoryUsedBytes: 1024 * 1048576, memoryTotalBytes: 16384 * 1048576 },
        { index: 1, utilizationPercent: 5, memoryUsedBytes: 0, memoryTotalBytes: 8192 * 1048576 },
      ],
    });
  });

  it('says why when nvidia-smi is absent, fails, or lists nothing', async () => {
    expect(await new ScriptedProbe(join(dir, 'missing')).gpus()).toEqual({ available: false, reason: 'nvidia-smi not found: no NVIDIA GPU driver on this host' });
    const failing = await new ScriptedProbe(script('failing', "echo 'NVIDIA-SMI has failed' >&2; exit 9")).gpus();
    expect(failing.available).toBe(false);
    if (!failing.available) expect(failing.reason).toMatch(/^nvidia-smi failed: /);
    expect(await new ScriptedProbe(script('empty', 'exit 0')).gpus()).toEqual({ available: false, reason: 'nvidia-smi reported no GPUs' });
  });

  it('on this host, agrees with running nvidia-smi directly (GPU or not)', async () => {
    const direct = await new Promise<{ missing: boolean; failed: boolean; stdout: string }>((resolve) => {
      execFile('nvidia-smi', ['--query-gpu=utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'], (error, stdout) =>
        resolve({ missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT', failed: error !== null, stdout }),
      );
    });
    const reading = await new HostProbe().gpus();
    if (direct.missing) expect(reading).toEqual({ available: false, reason: 'nvidia-smi not found: no NVIDIA GPU driver on this host' });
    else if (direct.failed) expect(reading).toMatchObject({ available: false, reason: expect.stringMatching(/^nvidia-smi failed: /) });
    else expect(reading.available ? reading.gpus.length : 0).toBe(parseNvidiaSmi(direct.stdout).length);
  });
});
