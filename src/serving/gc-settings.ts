import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { setFlagsFromString } from 'node:v8';
import { AppConfig } from '../config/app-config.js';

/** How V8 flags are set; a port so the unit test need not change the test process's own heap. */
export type V8FlagSetter = (flags: string) => void;

/**
 * Serving's two garbage-collector settings, process-wide V8 flags read at every collection. The
 * server's entry point applies them once start-up (model restore and warm-up) is over, because during
 * boot the larger heap cost more than the collections it saved (+0.2 s to /ready with three models);
 * shutdown puts V8's defaults back. Measurements: docs/performance.md ("Where the CPU went: full
 * garbage collections" and "/health under load: what the server's own loop saw").
 *
 * - **Heap growth** (`SERVING_HEAP_GROWING_PERCENT`, default 100: to twice the live size before the next
 *   full collection, instead of V8's own factor). Serving allocates several megabytes of request
 *   bodies, pixels and tensors per request outside the JS heap; V8 counts them towards its limit, and
 *   with its default factor it ran a full mark-compact of the server's ~60 MiB heap every ten or so
 *   requests. The price is memory: up to the live heap size again (tens of MiB). 0 leaves V8's
 *   heuristics alone.
 * - **Scavenges on the main thread alone** (`SERVING_PARALLEL_SCAVENGE`, default false). Every 64 KiB
 *   socket read is a new ArrayBuffer, and V8 runs a young-generation collection each time such backing
 *   stores pass a fixed threshold ("external memory pressure": about eight a second while the server
 *   reads 270 MB/s of uploads). A parallel scavenge shares its work with V8's helper threads, which
 *   `SERVING_THREAD_NICE` runs below the event loop, so on a busy host the event loop sat waiting for
 *   helpers that could not get a core: 5 ms per such scavenge at the median instead of 3.
 */
@Injectable()
export class GcSettings implements OnApplicationShutdown {
  /** The flags that put V8's defaults back, one per setting applied. */
  private readonly restore: string[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly setFlags: V8FlagSetter = setFlagsFromString,
  ) {}

  apply(): void {
    const { heapGrowingPercent, parallelScavenge } = this.config.serving;
    if (heapGrowingPercent !== 0) this.set(`--heap-growing-percent=${heapGrowingPercent}`, '--heap-growing-percent=0');
    if (!parallelScavenge) this.set('--no-parallel-scavenge', '--parallel-scavenge');
  }

  onApplicationShutdown(): void {
    for (const flag of this.restore.splice(0)) this.setFlags(flag);
  }

  /** Sets `flag` unless it is already set, and remembers `restore`, the flag that puts V8's default back. */
  private set(flag: string, restore: string): void {
    if (this.restore.includes(restore)) return;
    this.setFlags(flag);
    this.restore.push(restore);
  }
}
