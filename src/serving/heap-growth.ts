import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { setFlagsFromString } from 'node:v8';
import { AppConfig } from '../config/app-config.js';

/** How V8 flags are set; a port so the unit test need not change the test process's own heap. */
export type V8FlagSetter = (flags: string) => void;

/**
 * Lets the V8 heap grow by `SERVING_HEAP_GROWING_PERCENT` (default 100: to twice the live size)
 * before the next full collection, instead of V8's own factor. Serving allocates several megabytes
 * of request bodies, pixels and tensors per request outside the JS heap; V8 counts them towards its
 * limit, and with its default factor it ran a full mark-compact of the server's ~60 MiB heap every
 * ten or so requests, the largest single cost per request the platform had over a bare server
 * (docs/performance.md, "Garbage collection"). The price is memory: up to the live heap size again
 * (tens of MiB). 0 leaves V8's heuristics alone. The flag is process-wide and read at every
 * collection; the server's entry point applies it once start-up (model restore and warm-up) is over,
 * because during boot the larger heap cost more than the collections it saved (+0.2 s to /ready with
 * three models). Shutdown puts V8's default back.
 */
@Injectable()
export class HeapGrowth implements OnApplicationShutdown {
  private applied = false;

  constructor(
    private readonly config: AppConfig,
    private readonly setFlags: V8FlagSetter = setFlagsFromString,
  ) {}

  apply(): void {
    const percent = this.config.serving.heapGrowingPercent;
    if (percent === 0) return;
    this.setFlags(`--heap-growing-percent=${percent}`);
    this.applied = true;
  }

  onApplicationShutdown(): void {
    if (this.applied) this.setFlags('--heap-growing-percent=0');
    this.applied = false;
  }
}
