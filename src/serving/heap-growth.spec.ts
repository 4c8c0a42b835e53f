import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { HeapGrowth } from './heap-growth.js';

const config = (heapGrowingPercent: number) => ({ serving: { heapGrowingPercent } }) as unknown as AppConfig;

describe('HeapGrowth', () => {
  it('sets V8 heap growth when applied and puts the default back at shutdown', () => {
    const flags: string[] = [];
    const growth = new HeapGrowth(config(100), (value) => flags.push(value));
    growth.apply();
    expect(flags).toEqual(['--heap-growing-percent=100']);
    growth.onApplicationShutdown();
    growth.onApplicationShutdown();
    expect(flags).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });

  it('leaves V8 alone with 0', () => {
    const flags: string[] = [];
    const growth = new HeapGrowth(config(0), (value) => flags.push(value));
    growth.apply();
    growth.onApplicationShutdown();
    expect(flags).toEqual([]);
  });
});
