/**
 * The clock and timers a serving runtime uses, behind an interface so tests move time by hand
 * instead of sleeping: every deadline, batching delay and engine watchdog goes through this.
 */
export interface RuntimeTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What every runtime of one server shares: its timers and how long a hung engine call may run on. */
export class ServingRuntimeOptions {
  constructor(
    readonly timers: RuntimeTimers = systemTimers,
    /** How long past the latest deadline of a batch an engine call may run before its worker is replaced. */
    readonly engineGraceMs = 5_000,
    /** Measure each deployment's latency per batch size at deploy (see batch-profile.ts). */
    readonly profileBatches = true,
    /** A monotonic clock for that measurement. */
    readonly profileClock: () => number = () => performance.now(),
  ) {}
}

export const systemTimers: RuntimeTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The same timers in the shape p-timeout's `customTimers` wants. */
export function pTimeoutTimers(timers: RuntimeTimers): { setTimeout: typeof globalThis.setTimeout; clearTimeout: typeof globalThis.clearTimeout } {
  return {
    setTimeout: ((callback: () => void, ms: number) => timers.setTimeout(callback, ms)) as unknown as typeof globalThis.setTimeout,
    clearTimeout: ((handle: unknown) => timers.clearTimeout(handle)) as typeof globalThis.clearTimeout,
  };
}

interface ManualTimer {
  at: number;
  order: number;
  callback: () => void;
}

/**
 * Timers that fire only when a test advances them. `advance` runs due callbacks in time order and
 * lets promise chains settle after each, so code awaiting a timer sees it fire deterministically.
 */
export class ManualTimers implements RuntimeTimers {
  private current: number;
  private readonly timers = new Set<ManualTimer>();
  private nextOrder = 0;

  constructor(start = 1_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.current + Math.max(0, ms), order: this.nextOrder++, callback };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as ManualTimer);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    await settle();
    for (;;) {
      const due = [...this.timers].filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers.delete(due);
      this.current = Math.max(this.current, due.at);
      due.callback();
      await settle();
    }
    this.current = end;
    await settle();
  }
}

/** Lets every already-resolved promise chain run (a few macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}
