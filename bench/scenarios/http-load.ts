/** Closed-loop load over the plan's concurrencies, and the concurrency-1 client probe; used by the naive and platform scenarios. */
import { multipartBody } from '../images.js';
import type { LoadResult } from '../load.js';
import { summarize } from '../stats.js';
import { runLoad } from '../processes.js';

import { Context, log } from '../bench-context.js';

export async function loadSeries(context: Context, url: string, headers: Record<string, string>): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  const job = { url, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${context.boundary}` }, bodyFiles: context.bodyFiles };
  await runLoad(context.loadScript, { ...job, connections: 4, durationSeconds: context.plan.warmupSeconds });
  for (const connections of context.plan.concurrencies) {
    const result = await runLoad(context.loadScript, { ...job, connections, durationSeconds: context.plan.loadSeconds });
    log(`  c=${connections}: ${result.successPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.requests - result.success}`);
    results.push(result);
  }
  return results;
}

/** Sequential fetches at concurrency 1, measured the same way as the platform's breakdown probe. */
export async function probeClientLatency(context: Context, url: string, headers: Record<string, string>): Promise<number> {
  const count = context.plan.mode === 'smoke' ? 5 : 10;
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const body = multipartBody(context.images[index % context.images.length], context.boundary);
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${context.boundary}` }, body: new Uint8Array(body) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`probe request failed with ${response.status}`);
    times.push(performance.now() - started);
  }
  return summarize(times).p50;
}
