import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsService } from '../../src/metrics/metrics.service.js';
import { CrashMonitor } from '../../src/serving/isolation/crash-monitor.js';
import { ProcessModel } from '../../src/serving/isolation/process-model.js';

const SIGKILL_ENGINE = resolve(import.meta.dirname, '../fixtures/crash-engines/sigkill/index.ts');
const row = (a: number, b: number) => ({ x: { dtype: 'float32' as const, shape: [1, 2], data: Float32Array.of(a, b) } });

describe('a process-isolated instance (real child process)', () => {
  it('restarts a child that exceeds maxMemoryMb and says why', async () => {
    const crashes: string[] = [];
    let crashed!: () => void;
    const firstCrash = new Promise<void>((resolveCrash) => (crashed = resolveCrash));
    // A Node child alone is far above 16 MB: the first RSS report after the load exceeds the limit.
    const model = await ProcessModel.open({
      entry: SIGKILL_ENGINE,
      engineConfig: {},
      artifact: { format: 'onnx', path: '/unused' },
      loadOptions: { maxBatchSize: 1 },
      maxMemoryBytes: 16 * 1024 * 1024,
      onCrash: (reason) => {
        crashes.push(reason);
        crashed();
      },
      restartBackoffMs: 60_000,
    });
    try {
      expect(model.residentBytes()).toBeGreaterThan(16 * 1024 * 1024);
      await firstCrash;
      expect(crashes[0]).toMatch(/^resident memory \d+ MB exceeded maxMemoryMb 16$/);
    } finally {
      await model.dispose();
    }
    expect(await model.execute([row(1, 2)])).toEqual([{ ok: false, error: { code: 'MODEL_DISPOSED', message: 'the model was unloaded' } }]);
  });

  it('serves from the child and gives every request of a crashed batch ENGINE_CRASHED', async () => {
    const crashes: string[] = [];
    const model = await ProcessModel.open({ entry: SIGKILL_ENGINE, engineConfig: {}, artifact: { format: 'onnx', path: '/unused' }, loadOptions: { maxBatchSize: 4 }, maxMemoryBytes: 0, onCrash: (reason) => crashes.push(reason), restartBackoffMs: 10 });
    try {
      const firstPid = model.pid;
      expect(firstPid).not.toBe(process.pid);
      expect(await model.execute([row(1, 2)])).toEqual([{ ok: true, outputs: { y: { dtype: 'float32', shape: [1, 2], data: Float32Array.of(1, 2) } } }]);
      const results = await model.execute([row(3, 4), row(666, 0)]);
      expect(results).toEqual([0, 1].map(() => ({ ok: false, error: { code: 'ENGINE_CRASHED', message: 'the instance process was killed by SIGKILL' } })));
      expect(crashes).toEqual(['the instance process was killed by SIGKILL']);
      // The next call waits for the respawned child.
      expect((await model.execute([row(5, 6)]))[0]).toMatchObject({ ok: true });
      expect(model.pid).not.toBe(firstPid);
    } finally {
      await model.dispose();
    }
  });

  it('with isolation "thread" the same engine takes its host process down: a signal cannot be caught', async () => {
    const child = fork(resolve(import.meta.dirname, '../fixtures/crash-engines/run-in-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const messages: unknown[] = [];
    child.on('message', (message) => messages.push(message));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolveExit) => child.once('exit', (exitCode, exitSignal) => resolveExit([exitCode, exitSignal])));
    expect(messages).toEqual([{ served: true }]);
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
  });
});

describe('CrashMonitor', () => {
  it('fails a model on the third crash within five minutes, once, and forgets crashes outside the window', () => {
    const monitor = new CrashMonitor(new MetricsService());
    let now = 0;
    monitor.now = () => now;
    const failures: Array<[string, string]> = [];
    monitor.onModelFailed((modelId, reason) => failures.push([modelId, reason]));
    expect(monitor.crashed('m', 'one')).toBe(false);
    expect(monitor.crashed('m', 'two')).toBe(false);
    now += 5 * 60_000; // both fall out of the window
    expect(monitor.crashed('m', 'three')).toBe(false);
    now += 1_000;
    expect(monitor.crashed('m', 'four')).toBe(false);
    expect(monitor.crashed('other', 'x')).toBe(false);
    expect(monitor.crashed('m', 'five')).toBe(true);
    expect(monitor.crashed('m', 'six')).toBe(false);
    expect(failures).toEqual([['m', '3 instance crashes within 5 minutes; last: five']]);
    expect(monitor.hasFailed('m')).toBe(true);
    monitor.reset('m');
    expect(monitor.hasFailed('m')).toBe(false);
  });
});
