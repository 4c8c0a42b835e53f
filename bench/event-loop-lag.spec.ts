import { describe, expect, it } from 'vitest';
import { parseEventLoopLag } from './event-loop-lag.js';

describe('event-loop delay from a Prometheus exposition', () => {
  it('reads the p50, p99 and max gauges in milliseconds, with or without labels', () => {
    const exposition = [
      '# HELP nodejs_eventloop_lag_p50_seconds The 50th percentile of the recorded event loop delays.',
      '# TYPE nodejs_eventloop_lag_p50_seconds gauge',
      'nodejs_eventloop_lag_p50_seconds 0.0101',
      'nodejs_eventloop_lag_p99_seconds{instance="a"} 0.0342',
      'nodejs_eventloop_lag_max_seconds 0.25',
      'nodejs_eventloop_lag_p90_seconds 0.02',
    ].join('\n');
    expect(parseEventLoopLag(exposition)).toEqual({ p50Ms: 10.1, p99Ms: 34.2, maxMs: 250 });
  });

  it('gives undefined when a gauge is missing or not a number', () => {
    expect(parseEventLoopLag('nodejs_eventloop_lag_p50_seconds 0.01\nnodejs_eventloop_lag_p99_seconds 0.02')).toBeUndefined();
    expect(parseEventLoopLag('nodejs_eventloop_lag_p50_seconds 0.01\nnodejs_eventloop_lag_p99_seconds NaN\nnodejs_eventloop_lag_max_seconds 1')).toBeUndefined();
    expect(parseEventLoopLag('')).toBeUndefined();
  });
});
