import { nearestRankPercentile } from '../src/metrics/sample-ring.js';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  const round = (value: number) => Math.round(value * 100) / 100;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: round(nearestRankPercentile(sorted, 50)),
    p95: round(nearestRankPercentile(sorted, 95)),
    p99: round(nearestRankPercentile(sorted, 99)),
    mean: round(sorted.length ? sum / sorted.length : 0),
    max: round(sorted.length ? sorted[sorted.length - 1] : 0),
  };
}
