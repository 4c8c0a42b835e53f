import { readdirSync } from 'node:fs';
import os from 'node:os';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/** How the threads of this process are listed and reprioritised (a port, so tests can fake /proc). */
export class ThreadTable {
  /** Thread ids of this process, or null where the platform cannot list them. */
  list(): number[] | null {
    if (process.platform !== 'linux') return null;
    try {
      return readdirSync('/proc/self/task').map(Number).filter(Number.isInteger);
    } catch {
      return null;
    }
  }

  /** The main thread's nice value (the process may have been started niced). */
  baseNice(): number {
    return os.getPriority();
  }

  /** On Linux, setpriority(PRIO_PROCESS, tid) changes that one thread. */
  setNice(tid: number, nice: number): void {
    os.setPriority(tid, nice);
  }
}

/**
 * Keeps the event loop ahead of the heavy threads when the CPU is contended. Every thread of the
 * process except the main one (engine workers and their ONNX Runtime pools, encoder threads,
 * libuv's pool where sharp decodes, V8's GC helpers) runs `SERVING_THREAD_NICE` (default 10) nice levels below it.
 * On a saturated host the event loop then still gets the CPU when it has work, so admission, 503s,
 * /health and writing answers are not queued behind decodes and engine calls; when the host is
 * not saturated nice changes nothing. Threads appear lazily (a deploy starts a worker, which starts
 * its own pool), so the table is rescanned every second: one readdir and a syscall per new thread.
 * Linux only; elsewhere, or with 0, it does nothing.
 */
@Injectable()
export class ThreadPriorities implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ThreadPriorities');
  private readonly adjusted = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private failedOnce = false;

  constructor(
    private readonly config: AppConfig,
    private readonly table: ThreadTable,
  ) {}

  onModuleInit(): void {
    if (this.config.serving.threadNice === 0 || this.table.list() === null) return;
    this.apply();
    this.timer = setInterval(() => this.apply(), 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Lowers every thread not seen yet; returns how many it changed. */
  apply(): number {
    const threads = this.table.list();
    if (!threads) return 0;
    const alive = new Set(threads);
    for (const tid of this.adjusted) if (!alive.has(tid)) this.adjusted.delete(tid);
    // Relative to the main thread, so a process started niced is never asked to raise a priority.
    const target = Math.min(19, this.table.baseNice() + this.config.serving.threadNice);
    let changed = 0;
    for (const tid of threads) {
      if (tid === process.pid || this.adjusted.has(tid)) continue;
      try {
        this.table.setNice(tid, target);
        changed++;
      } catch (error) {
        // A thread that just ended, or a host that forbids it: never fatal, said once.
        if (!this.failedOnce) this.logger.warn({ msg: 'Could not lower a thread’s priority', error: (error as Error).message });
        this.failedOnce = true;
      }
      this.adjusted.add(tid);
    }
    return changed;
  }
}
