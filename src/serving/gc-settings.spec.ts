import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { GcSettings } from './gc-settings.js';

const config = (heapGrowingPercent: number, parallelScavenge: boolean) => ({ serving: { heapGrowingPercent, parallelScavenge } }) as unknown as AppConfig;

function record(heapGrowingPercent: number, parallelScavenge: boolean): { settings: GcSettings; flags: string[] } {
  const flags: string[] = [];
  return { settings: new GcSettings(config(heapGrowingPercent, parallelScavenge), (value) => flags.push(value)), flags };
}

describe('GcSettings', () => {
  it('sets heap growth and main-thread scavenges when applied, once, and puts the defaults back at shutdown', () => {
    const { settings, flags } = record(100, false);
    settings.apply();
    settings.apply();
    expect(flags).toEqual(['--heap-growing-percent=100', '--no-parallel-scavenge']);
    settings.onApplicationShutdown();
    settings.onApplicationShutdown();
    expect(flags.slice(2)).toEqual(['--heap-growing-percent=0', '--parallel-scavenge']);
  });

  it('leaves V8 alone with heap growth 0 and parallel scavenges allowed', () => {
    const { settings, flags } = record(0, true);
    settings.apply();
    settings.onApplicationShutdown();
    expect(flags).toEqual([]);
  });

  it('keeps each setting independent', () => {
    const growthOnly = record(50, true);
    growthOnly.settings.apply();
    expect(growthOnly.flags).toEqual(['--heap-growing-percent=50']);
    const scavengeOnly = record(0, false);
    scavengeOnly.settings.apply();
    scavengeOnly.settings.onApplicationShutdown();
    expect(scavengeOnly.flags).toEqual(['--no-parallel-scavenge', '--parallel-scavenge']);
  });
});
