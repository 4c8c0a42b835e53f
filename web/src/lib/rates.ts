/** A reading of cumulative request counters at time `t` (ms). */
export interface CounterSample {
  t: number;
  total: number;
  errors: number;
}

/**
 * Requests per second and error ratio between the last two readings. A counter that went down
 * (a model undeployed, the server restarted) restarts the rate at zero instead of going negative.
 */
export function throughput(samples: CounterSample[]): { requestsPerSecond: number; errorRate: number } | null {
  if (samples.length < 2) return null;
  const previous = samples[samples.length - 2];
  const last = samples[samples.length - 1];
  const seconds = (last.t - previous.t) / 1000;
  if (seconds <= 0) return null;
  const requests = Math.max(0, last.total - previous.total);
  const errors = Math.max(0, last.errors - previous.errors);
  return { requestsPerSecond: requests / seconds, errorRate: requests > 0 ? Math.min(1, errors / requests) : 0 };
}
