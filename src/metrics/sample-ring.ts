/** Nearest-rank percentile (`rank` in 0–100) of ascending-sorted values; 0 when empty. */
export function nearestRankPercentile(sorted: ArrayLike<number>, rank: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
  return sorted[index];
}

/**
 * A fixed-capacity ring of numbers: the most recent `capacity` samples, so per-model percentiles
 * stay cheap and memory stays bounded however long a model serves.
 */
export class SampleRing {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled += 1;
  }

  get size(): number {
    return this.filled;
  }

  /** Nearest-rank percentiles of the samples held; zeros when empty. */
  percentiles(ranks: readonly number[]): number[] {
    const sorted = Float64Array.from(this.values.subarray(0, this.filled)).sort();
    return ranks.map((rank) => nearestRankPercentile(sorted, rank));
  }
}
