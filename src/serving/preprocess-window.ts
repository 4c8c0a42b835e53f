import { Semaphore } from 'async-mutex';
import { ApiError } from '../common/api-error.js';
import type { RuntimeTimers } from './runtime-timers.js';

/** What a request waiting for its turn to decode answers when its deadline or its client goes first. */
export interface WindowRefusals {
  expired(): ApiError;
  cancelled(): ApiError;
}

/** A request's places in the window: `leave()` as each of its images has run; `leaveAll()` gives back the rest. */
export interface WindowPlaces {
  leave(): void;
  leaveAll(): void;
}

/**
 * How many images of one deployment may be decoded, or decoded and waiting for or in their engine
 * call, at once. An admitted request holds its queue place and its encoded bytes, and decodes only
 * when it is among the next `size` images to run (higher priority first, FIFO within a priority),
 * so decoding keeps pace with the engine instead of with arrivals: under overload the CPU goes to
 * the images that will be answered, and a request whose deadline passes while it waits costs no
 * decode at all. Without it, every admitted image was decoded on arrival, and a queue longer than
 * its deadline's worth of work decoded images only to drop them (docs/performance.md).
 */
export class PreprocessWindow {
  private readonly slots: Semaphore;

  constructor(
    readonly size: number,
    private readonly timers: RuntimeTimers,
    private readonly refusals: WindowRefusals,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a preprocess window needs at least one place, not ${size}`);
    this.slots = new Semaphore(size);
  }

  /** Images being decoded or run now (for tests and metrics). */
  get inUse(): number {
    return this.size - Math.max(0, this.slots.getValue());
  }

  /**
   * `weight` places for `count` images: as images finish, the request holds one place per image still
   * to finish, up to `weight`, and never gives back more than it took.
   */
  private places(weight: number, count: number): WindowPlaces {
    let held = weight;
    let remaining = count;
    return {
      leave: () => {
        remaining = Math.max(0, remaining - 1);
        if (held > remaining) {
          this.slots.release(held - remaining);
          held = remaining;
        }
      },
      leaveAll: () => {
        if (held > 0) this.slots.release(held);
        held = 0;
      },
    };
  }

  /**
   * Waits until `count` images (at most the window) may be decoded; rejects with `expired()` at
   * `deadline` (on the runtime clock) or `cancelled()` when `signal` aborts, whichever comes first.
   */
  async enter(count: number, priority: number, deadline: number, signal?: AbortSignal): Promise<WindowPlaces> {
    const weight = Math.min(Math.max(1, count), this.size);
    if (signal?.aborted) throw this.refusals.cancelled();
    if (this.timers.now() >= deadline) throw this.refusals.expired();
    const granted = this.slots.acquire(weight, priority);
    let timer: unknown;
    let onAbort: (() => void) | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = this.timers.setTimeout(() => reject(this.refusals.expired()), Math.max(0, deadline - this.timers.now()));
      onAbort = () => reject(this.refusals.cancelled());
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([granted, gaveUp]);
      return this.places(weight, Math.max(1, count));
    } catch (error) {
      // The turn still comes; whoever gave up hands it straight on.
      void granted.then(() => this.slots.release(weight));
      throw error;
    } finally {
      this.timers.clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }
}


/**
 * The window for a deployment: room for the libuv pool's decodes (sharp runs on it) plus two full
 * batches per instance, one running and one ready, so the engine never waits for a decode it could
 * have had. `configured` (SERVING_PREPROCESS_AHEAD) overrides it; 0 means this default.
 */
export function preprocessWindowSize(configured: number, instances: number, maxBatchSize: number, threadpoolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4): number {
  if (configured > 0) return configured;
  return threadpoolSize + 2 * Math.max(1, instances) * Math.max(1, maxBatchSize);
}
