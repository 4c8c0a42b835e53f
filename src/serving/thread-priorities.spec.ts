import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { ThreadPriorities, ThreadTable } from './thread-priorities.js';

class FakeThreads extends ThreadTable {
  threads: number[] = [];
  base = 0;
  readonly nice = new Map<number, number>();
  failing = new Set<number>();
  override list(): number[] {
    return this.threads;
  }
  override baseNice(): number {
    return this.base;
  }
  override setNice(tid: number, nice: number): void {
    if (this.failing.has(tid)) throw new Error('ESRCH');
    this.nice.set(tid, nice);
  }
}

const config = (threadNice: number) => ({ serving: { threadNice } }) as unknown as AppConfig;

describe('ThreadPriorities', () => {
  it('lowers every thread but the main one, once each, relative to the main thread', () => {
    const table = new FakeThreads();
    table.threads = [process.pid, 101, 102];
    table.base = 3;
    const priorities = new ThreadPriorities(config(10), table);
    expect(priorities.apply()).toBe(2);
    expect([...table.nice]).toEqual([
      [101, 13],
      [102, 13],
    ]);
    // A thread that appears later is lowered on the next pass; the others are not touched again.
    table.threads = [process.pid, 101, 102, 103];
    table.nice.clear();
    expect(priorities.apply()).toBe(1);
    expect([...table.nice]).toEqual([[103, 13]]);
  });

  it('never goes past 19, and a thread that cannot be changed is not fatal', () => {
    const table = new FakeThreads();
    table.threads = [process.pid, 7, 8];
    table.base = 15;
    table.failing.add(7);
    const priorities = new ThreadPriorities(config(10), table);
    expect(priorities.apply()).toBe(1);
    expect(table.nice.get(8)).toBe(19);
  });

  it('forgets ended threads, so a reused id is lowered again', () => {
    const table = new FakeThreads();
    table.threads = [process.pid, 5];
    const priorities = new ThreadPriorities(config(10), table);
    priorities.apply();
    table.threads = [process.pid];
    priorities.apply();
    table.threads = [process.pid, 5];
    table.nice.clear();
    expect(priorities.apply()).toBe(1);
  });

  it('on this host (Linux), lowers a real thread of this process', async () => {
    const table = new ThreadTable();
    if (table.list() === null) return;
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    try {
      new ThreadPriorities(config(5), table).apply();
      const { readFileSync } = await import('node:fs');
      // Field 19 of /proc/<pid>/task/<tid>/stat; a thread that ended meanwhile is skipped.
      const niceOf = (tid: number) => {
        try {
          return Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
        } catch {
          return undefined;
        }
      };
      const others = table.list()!.filter((tid) => tid !== process.pid);
      expect(others.length).toBeGreaterThan(0);
      for (const tid of others) expect([undefined, Math.min(19, table.baseNice() + 5)]).toContain(niceOf(tid));
      expect(niceOf(process.pid)).toBe(table.baseNice());
    } finally {
      await worker.terminate();
    }
  });
});
