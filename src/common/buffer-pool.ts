/**
 * Large byte buffers kept for reuse. A multipart image of a few megabytes used to be a list of
 * socket chunks joined by `Buffer.concat` into fresh memory: the first touch of every page of that
 * memory, and the V8 collections its external bytes trigger, cost more than the copy itself
 * (docs/performance.md). Copying each chunk as it arrives into a buffer that served an earlier
 * request touches warm pages and allocates nothing.
 *
 * A lease hands out a buffer of at least the asked size (capacities are rounded up to `granule`);
 * `release()` (idempotent) gives it back. The pool keeps at most `maxRetainedBytes` of idle
 * buffers; the rest are left to the garbage collector. Sizes under `minBytes` are not pooled
 * (Node's own small-buffer pool does better there): `lease` returns undefined for them.
 *
 * A buffer is reused only after release, so nothing may read it afterwards: the holder of a
 * lease releases it once the last reader (sharp's decode, for images) has settled.
 */
export interface BufferPoolOptions {
  minBytes: number;
  maxRetainedBytes: number;
  granule: number;
}

export const DEFAULT_BUFFER_POOL_OPTIONS: BufferPoolOptions = { minBytes: 256 * 1024, maxRetainedBytes: 96 * 1024 * 1024, granule: 512 * 1024 };

export class BufferLease {
  private released = false;

  constructor(
    readonly buffer: Buffer,
    private readonly giveBack: (buffer: Buffer) => void,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.giveBack(this.buffer);
  }
}

export class BufferPool {
  /** Idle buffers by capacity. */
  private readonly idle = new Map<number, Buffer[]>();
  private idleBytes = 0;

  constructor(private readonly options: BufferPoolOptions = DEFAULT_BUFFER_POOL_OPTIONS) {}

  /** A buffer of at least `size` bytes (its old contents are undefined), or undefined under minBytes. */
  lease(size: number): BufferLease | undefined {
    if (!Number.isSafeInteger(size) || size < this.options.minBytes) return undefined;
    const capacity = Math.ceil(size / this.options.granule) * this.options.granule;
    const reused = this.idle.get(capacity)?.pop();
    if (reused) this.idleBytes -= capacity;
    return new BufferLease(reused ?? Buffer.allocUnsafeSlow(capacity), (buffer) => this.giveBack(buffer, capacity));
  }

  /** Bytes held idle for reuse (for tests and metrics). */
  get retainedBytes(): number {
    return this.idleBytes;
  }

  private giveBack(buffer: Buffer, capacity: number): void {
    // A buffer whose memory moved to another thread (transferred) is empty: never keep it.
    if (buffer.length !== capacity || this.idleBytes + capacity > this.options.maxRetainedBytes) return;
    const list = this.idle.get(capacity);
    if (list) list.push(buffer);
    else this.idle.set(capacity, [buffer]);
    this.idleBytes += capacity;
  }
}
