import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

const KiB = 1024;

describe('BufferPool', () => {
  const options = { minBytes: 64 * KiB, maxRetainedBytes: 512 * KiB, granule: 128 * KiB };

  it('leaves small sizes (and nonsense sizes) to the caller', () => {
    const pool = new BufferPool(options);
    expect(pool.lease(64 * KiB - 1)).toBeUndefined();
    expect(pool.lease(Number.NaN)).toBeUndefined();
    expect(pool.lease(-1)).toBeUndefined();
  });

  it('rounds capacity up to the granule and reuses a released buffer of the same capacity', () => {
    const pool = new BufferPool(options);
    const first = pool.lease(100 * KiB)!;
    expect(first.buffer.length).toBe(128 * KiB);
    const other = pool.lease(200 * KiB)!;
    expect(other.buffer.length).toBe(256 * KiB);
    first.release();
    first.release();
    expect(pool.retainedBytes).toBe(128 * KiB);
    const again = pool.lease(128 * KiB)!;
    expect(again.buffer).toBe(first.buffer);
    expect(pool.retainedBytes).toBe(0);
    // A buffer still leased is never handed out twice.
    expect(pool.lease(128 * KiB)!.buffer).not.toBe(again.buffer);
    other.release();
    expect(pool.lease(256 * KiB)!.buffer).toBe(other.buffer);
  });

  it('keeps at most maxRetainedBytes idle', () => {
    const pool = new BufferPool(options);
    const leases = Array.from({ length: 6 }, () => pool.lease(128 * KiB)!);
    for (const lease of leases) lease.release();
    expect(pool.retainedBytes).toBe(512 * KiB);
  });

  it('never keeps a buffer whose memory was moved to another thread', () => {
    const pool = new BufferPool(options);
    const lease = pool.lease(128 * KiB)!;
    const backing = lease.buffer.buffer as ArrayBuffer;
    structuredClone(backing, { transfer: [backing] });
    lease.release();
    expect(pool.retainedBytes).toBe(0);
  });
});
