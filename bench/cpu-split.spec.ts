import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseCpuList, planCpuSplit, serverCommand } from './cpu-split.js';

const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

describe('parseCpuList', () => {
  it('reads single cores, ranges and mixtures', () => {
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseCpuList('0,2-4,7')).toEqual([0, 2, 3, 4, 7]);
  });

  it('refuses what is not a CPU list', () => {
    expect(() => parseCpuList('a-b')).toThrow(/not a CPU list/);
  });
});

describe('planCpuSplit', () => {
  it('gives the generator the last core of two, and a quarter of eight', () => {
    expect(planCpuSplit([0, 1])).toEqual({ server: '0', generator: '1', serverCores: 1, generatorCores: 1 });
    expect(planCpuSplit([0, 1, 2, 3, 4, 5, 6, 7])).toMatchObject({ server: '0,1,2,3,4,5', generator: '6,7' });
  });

  it('refuses a single core', () => {
    expect(() => planCpuSplit([3])).toThrow(/at least two usable cores/);
  });
});

describe('serverCommand', () => {
  it('starts servers with node itself when no split is enabled', () => {
    expect(serverCommand(['server.js'])).toEqual({ command: process.execPath, args: ['server.js'] });
  });

  it.skipIf(!hasTaskset)('a process started through taskset -c runs on exactly those cores', () => {
    const printed = execFileSync('taskset', ['-c', '0', process.execPath, '-e', 'console.log(require("node:os").availableParallelism())'], { encoding: 'utf8' });
    expect(printed.trim()).toBe('1');
  });
});
