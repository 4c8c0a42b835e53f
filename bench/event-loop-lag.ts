/**
 * The server's own event-loop delay, read from its Prometheus exposition. prom-client's default metrics
 * sample `perf_hooks.monitorEventLoopDelay` (a 10 ms timer) and reset the histogram on every scrape, so
 * scraping before and after a window gives the delay over that window alone. Beside the /health
 * latencies the client sees, it tells how much of them the server's own loop accounts for: long turns
 * (work, GC pauses) and its main thread waiting for a core alike; the main thread's schedstat
 * (`mainThreadSchedMs` in processes.ts) tells those two apart.
 */

export interface EventLoopLag {
  /** Delay of the 10 ms sampling timer, in milliseconds: median, 99th percentile and maximum. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const GAUGES = { p50Ms: 'nodejs_eventloop_lag_p50_seconds', p99Ms: 'nodejs_eventloop_lag_p99_seconds', maxMs: 'nodejs_eventloop_lag_max_seconds' } as const;

/** Reads the three gauges out of a Prometheus text exposition; undefined when any is missing. */
export function parseEventLoopLag(exposition: string): EventLoopLag | undefined {
  const values = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    const match = /^(nodejs_eventloop_lag_\w+_seconds)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match) values.set(match[1], Number(match[2]));
  }
  const lag: Partial<EventLoopLag> = {};
  for (const [key, name] of Object.entries(GAUGES) as Array<[keyof EventLoopLag, string]>) {
    const seconds = values.get(name);
    if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
    lag[key] = Math.round(seconds * 1e5) / 100;
  }
  return lag as EventLoopLag;
}

/** Scrapes `GET /metrics` (open without a token on a loopback host) and returns the delay since the last scrape. */
export async function scrapeEventLoopLag(baseUrl: string): Promise<EventLoopLag | undefined> {
  const response = await fetch(`${baseUrl}/metrics`);
  const text = await response.text();
  return response.ok ? parseEventLoopLag(text) : undefined;
}
