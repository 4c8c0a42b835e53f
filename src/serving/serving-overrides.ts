import type { MemoryMeter } from './memory-meter.js';
import type { ResponseEncoder } from './response-encoder.js';
import type { RuntimeTimers } from './runtime-timers.js';

/**
 * Ports of the serving runtime that a test may replace when it boots the whole app: the memory
 * meter (exact costs instead of the noisy resident set), the clock idle unloads run on, and the
 * response encoder (to hold postprocessing at a latch).
 * Empty in production.
 */
export class ServingOverrides {
  constructor(
    readonly memoryMeter?: MemoryMeter,
    readonly residencyTimers?: RuntimeTimers,
    readonly responseEncoder?: ResponseEncoder,
  ) {}
}
