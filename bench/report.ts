import type { LoadResult } from './load.js';
import type { LimitRun } from './limit.js';
import type { LatencySummary } from './stats.js';
import type { CpuSplit } from './cpu-split.js';
import type { EventLoopLag } from './event-loop-lag.js';

export interface ModelResults {
  name: string;
  description: string;
  parameters: number;
  fileBytes: number;
  limit?: { runs: LimitRun[]; best: LimitRun };
  naive?: LoadResult[];
  /** Median client-side latency of sequential requests to the naive server. */
  naiveClientMsP50?: number;
  platform?: {
    batched: LoadResult[];
    unbatched: LoadResult[];
    statsAfter?: { batched?: unknown; unbatched?: unknown };
    breakdown?: Record<string, number>;
    deployedView?: unknown;
    /** The batch size the deploy with batching on actually allowed (its batch profile's cap); 1 means the same work as off. */
    batchedMaxBatchSize?: number;
  };
}

export interface HealthResult {
  model: string;
  connections: number;
  idleMs: LatencySummary;
  underLoadMs: LatencySummary;
  /** The server's event-loop delay over the same two windows (its /metrics), when it could be read. */
  eventLoopLag?: { idle: EventLoopLag; underLoad: EventLoopLag };
  /** The server's main thread over the loaded window, by the scheduler: on a core, runnable but waiting for one, times put on a core. */
  mainThreadUnderLoad?: { windowMs: number; runMs: number; waitMs: number; slices: number };
}

export interface OverloadResult {
  model: string;
  capacityRps: number;
  offeredRps: number;
  connections: number;
  load: LoadResult;
  peakRssBytes: number;
  rssBeforeBytes: number;
  /** Server CPU (ms, all threads) over the flood and its drain. */
  serverCpuMs?: number;
  /** The same by thread group (processes.ts threadCpuMs; threads that exited meanwhile are missing). */
  serverCpuMsByThread?: Record<string, number>;
}

export interface MemoryResult {
  model: string;
  cycles: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  growthBytes: number;
  secondsPerCycle: number;
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  mode: 'full' | 'smoke';
  machine: { cpuModel: string; cores: number; memoryBytes: number; node: string; platform: string };
  threads: { intraOpNumThreads: number; interOpNumThreads: number };
  settings: Record<string, unknown>;
  models: ModelResults[];
  overload?: OverloadResult;
  /** Every model's overload run (the last round). */
  overloads?: OverloadResult[];
  health?: HealthResult[];
  boot?: { emptyMs: number; deployedModels?: number; deployedMs?: number };
  memory?: MemoryResult;
  /** Every round's own results, when the run had several (interleaved: limit → naive → platform per round). */
  rounds?: BenchResults[];
  profile?: { file: string; totalMs: number; byArea: Array<{ area: string; ms: number; percent: number }>; topFunctions: Array<{ name: string; area: string; ms: number; percent: number }> };
  problems: string[];
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(2) : 'n/a');

function at(results: LoadResult[] | undefined, connections: number): LoadResult | undefined {
  return results?.find((result) => result.connections === connections);
}

function bestRps(results: LoadResult[] | undefined): number | undefined {
  return results?.length ? Math.max(...results.map((result) => result.successPerSecond)) : undefined;
}

/** The `--cpu-split` a run was made under (bench/cpu-split.ts), if any. */
export function cpuSplitOf(results: BenchResults): CpuSplit | undefined {
  return results.settings.cpuSplit as CpuSplit | undefined;
}

/** The Markdown summary printed at the end of a run and pasted into docs/performance.md. */
export function renderMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  const m = results.machine;
  lines.push(`### Run ${results.startedAt} (${results.mode})`, '');
  lines.push(`Machine: ${m.cores} cores, ${m.cpuModel}, ${mib(m.memoryBytes)} RAM, Node ${m.node} (${m.platform}). ONNX Runtime threads: intra-op ${results.threads.intraOpNumThreads}, inter-op ${results.threads.interOpNumThreads} in all three setups.`, '');
  const split = cpuSplitOf(results);
  if (split) lines.push(`CPU split: servers and the in-process limit on CPU ${split.server} (${split.serverCores} core${split.serverCores === 1 ? '' : 's'}), load generators and probes on CPU ${split.generator}; the naive server, the platform and the limit get the same cores.`, '');

  lines.push('#### In-process limit (sharp decode + preprocess + session.run, no HTTP)', '');
  lines.push('| model | batch | loops | images/s | batch latency p50 / p95 / p99 (ms) |', '|---|---:|---:|---:|---|');
  for (const model of results.models) {
    for (const run of model.limit?.runs ?? []) {
      const best = model.limit?.best === run ? ' **best**' : '';
      lines.push(`| ${model.name} | ${run.batchSize} | ${run.loops} | ${run.imagesPerSecond}${best} | ${run.batchLatencyMs.p50} / ${run.batchLatencyMs.p95} / ${run.batchLatencyMs.p99} |`);
    }
  }
  lines.push('');

  lines.push('#### Where one request\'s time goes (medians, concurrency 1)', '');
  lines.push('| model | limit: decode+preprocess | limit: session.run | naive server: client-side total | platform: client-side total | platform: preprocess | queue | inference (worker) | postprocess | outside the pipeline (HTTP, multipart, auth, routing, serialization) |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const model of results.models) {
    const single = model.limit?.runs.find((run) => run.batchSize === 1 && run.loops === 1);
    const b = model.platform?.breakdown;
    const cell = (value: number | undefined) => (value === undefined ? 'n/a' : `${value} ms`);
    lines.push(`| ${model.name} | ${cell(single?.decodeMsP50)} | ${cell(single?.runMsP50)} | ${cell(model.naiveClientMsP50)} | ${cell(b?.clientMs)} | ${cell(b?.preprocessMs)} | ${cell(b?.queueMs)} | ${cell(b?.inferenceMs)} | ${cell(b?.postprocessMs)} | ${cell(b?.outsidePipelineMs)} |`);
  }
  lines.push('');

  lines.push('#### HTTP throughput and latency (one image per request)', '');
  lines.push(split ? 'Load generator CPU: what the autocannon child itself used per answered request, on its own cores.' : 'Load generator CPU: what the autocannon child itself used per answered request; it runs on the same cores as the server, so each millisecond there is one the server did not get.', '');
  lines.push('| model | server | concurrency | req/s (2xx) | p50 ms | p95 ms | p99 ms | non-2xx / errors | load generator CPU ms/request |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const model of results.models) {
    const series: Array<[string, LoadResult[] | undefined]> = [
      ['naive Fastify', model.naive],
      ['platform, batching off', model.platform?.unbatched],
      ['platform, batching on', model.platform?.batched],
    ];
    for (const [label, list] of series) {
      for (const run of list ?? []) {
        lines.push(`| ${model.name} | ${label} | ${run.connections} | ${run.successPerSecond} | ${run.latencyMs.p50} | ${run.latencyMs.p95} | ${run.latencyMs.p99} | ${run.requests - run.success} / ${run.errors + run.timeouts} | ${run.clientCpuMs === undefined ? 'n/a' : (run.clientCpuMs / Math.max(1, run.requests)).toFixed(2)} |`);
      }
    }
  }
  lines.push('');

  lines.push('#### Ratios', '');
  lines.push('| model | concurrency | platform (batching on) ÷ limit | platform (on) ÷ naive | platform (off) ÷ naive | batching on ÷ off |', '|---|---:|---:|---:|---:|---:|');
  for (const model of results.models) {
    const limit = model.limit?.best.imagesPerSecond;
    const connections = [...new Set((model.platform?.batched ?? []).map((run) => run.connections))];
    for (const c of connections) {
      const on = at(model.platform?.batched, c)?.successPerSecond;
      const off = at(model.platform?.unbatched, c)?.successPerSecond;
      const naive = at(model.naive, c)?.successPerSecond;
      lines.push(`| ${model.name} | ${c} | ${ratio(on, limit)} | ${ratio(on, naive)} | ${ratio(off, naive)} | ${ratio(on, off)} |`);
    }
    const bestPlatform = Math.max(bestRps(model.platform?.batched) ?? 0, bestRps(model.platform?.unbatched) ?? 0);
    lines.push(`| ${model.name} | best of each | ${ratio(bestPlatform, limit)} | ${ratio(bestPlatform, bestRps(model.naive))} (best platform ÷ best naive) | | ${ratio(bestRps(model.platform?.batched), bestRps(model.platform?.unbatched))} |`);
  }
  lines.push('');

  const overloads = results.overloads ?? (results.overload ? [results.overload] : []);
  if (overloads.length) {
    lines.push('#### Overload (3× capacity, batching on, open loop)', '');
    lines.push('Offered: the target rate, then the rate of requests the open-loop generator actually started (bench/open-loop.ts; a start finding all connections busy is skipped and counted), so a reader can see the overload happened.', '');
    lines.push('| model | capacity req/s | offered req/s: target / started (not started) | connections (peak in flight) | served 2xx/s | goodput ÷ capacity | 503 count | 503 latency p50 / p95 / p99 ms | 200 latency p50 / p95 / p99 ms | other errors | server RSS before → peak |', '|---|---:|---|---|---:|---:|---:|---|---|---:|---|');
    for (const o of overloads) {
      const rejected = o.load.latencyByStatusMs['503'];
      const ok = o.load.latencyByStatusMs['200'];
      const started = o.load.open ? ` / ${o.load.open.startedPerSecond} (${o.load.open.notStarted})` : '';
      const drained = o.load.open?.answeredAfterWindow ? ` (+${o.load.open.answeredAfterWindow} answered after the window)` : '';
      const otherStatuses = Object.entries(o.load.latencyByStatusMs).filter(([status]) => status !== '200' && status !== '503').map(([status, summary]) => `, ${summary.count}× ${status}`).join('');
      lines.push(`| ${o.model} | ${o.capacityRps} | ${o.offeredRps}${started} | ${o.connections} (${o.load.open?.peakInFlight ?? 'n/a'}) | ${o.load.successPerSecond}${drained} | ${ratio(o.load.successPerSecond, o.capacityRps)} | ${rejected?.count ?? 0} | ${rejected ? `${rejected.p50} / ${rejected.p95} / ${rejected.p99}` : 'n/a'} | ${ok ? `${ok.p50} / ${ok.p95} / ${ok.p99}` : 'n/a'} | ${o.load.errors + o.load.timeouts}${otherStatuses} | ${mib(o.rssBeforeBytes)} → ${mib(o.peakRssBytes)} |`);
    }
    lines.push('');
    const withCpu = overloads.filter((o) => o.serverCpuMsByThread);
    if (withCpu.length) {
      lines.push('Server CPU over each flood and its drain, in all and by thread group (s; from /proc; threads that exited during the flood count in the total only):', '');
      for (const o of withCpu) {
        const groups = Object.entries(o.serverCpuMsByThread!).filter(([, ms]) => ms >= 50).sort((a, b) => b[1] - a[1]);
        const total = o.serverCpuMs ?? groups.reduce((sum, [, ms]) => sum + ms, 0);
        lines.push(`- ${o.model}: ${(total / 1000).toFixed(1)} s in all: ${groups.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)}`).join(', ')}`);
      }
      lines.push('');
    }
  }
  if (results.health?.length) {
    lines.push('#### /health latency, idle and under load', '');
    lines.push(
      'The server\'s event-loop delay is what its own 10 ms sampling timer saw over the same windows (`nodejs_eventloop_lag_*` from its /metrics; the 10 ms period is included, so an idle loop reads about 10 ms). It counts both long turns of the loop and time its main thread waited for a core; the part of a /health latency above the delay less 10 ms was spent outside the server\'s loop (the probing client on the same cores, the kernel).',
      '',
    );
    lines.push('| model | load connections | idle p50 / p99 ms | under load p50 / p99 ms | p99 under load ÷ idle | server event-loop delay p50 / p99 / max ms, idle → under load |', '|---|---:|---|---|---:|---|');
    const lag = (value: EventLoopLag) => `${value.p50Ms} / ${value.p99Ms} / ${value.maxMs}`;
    for (const h of results.health) {
      const lagCell = h.eventLoopLag ? `${lag(h.eventLoopLag.idle)} → ${lag(h.eventLoopLag.underLoad)}` : 'n/a';
      lines.push(`| ${h.model} | ${h.connections} | ${h.idleMs.p50} / ${h.idleMs.p99} | ${h.underLoadMs.p50} / ${h.underLoadMs.p99} | ${ratio(h.underLoadMs.p99, h.idleMs.p99)} | ${lagCell} |`);
    }
    lines.push('');
    const sched = results.health.filter((h) => h.mainThreadUnderLoad?.windowMs);
    if (sched.length) {
      lines.push("The server's main thread over the loaded window, by the scheduler (`/proc/<pid>/task/<pid>/schedstat`): time on a core, time runnable but waiting for a core, and the mean wait each time it was put on one.", '');
      for (const h of sched) {
        const t = h.mainThreadUnderLoad!;
        const share = (ms: number) => `${((100 * ms) / t.windowMs).toFixed(0)} %`;
        lines.push(`- ${h.model}: ${t.windowMs} ms window; on a core ${t.runMs} ms (${share(t.runMs)}), waiting for one ${t.waitMs} ms (${share(t.waitMs)}), ${t.slices} times on a core, ${(t.waitMs / Math.max(t.slices, 1)).toFixed(2)} ms wait each`);
      }
      lines.push('');
    }
  }
  if (results.boot) {
    lines.push('#### Boot to /ready', '');
    lines.push(`Empty data dir: ${results.boot.emptyMs} ms. With ${results.boot.deployedModels ?? 0} deployed models (loaded and warmed at boot): ${results.boot.deployedMs ?? 'n/a'} ms.`, '');
  }
  if (results.memory) {
    const r = results.memory;
    lines.push('#### Deploy/undeploy cycles', '');
    lines.push(`${r.cycles} cycles of deploy + undeploy (${r.model}), ${r.secondsPerCycle.toFixed(2)} s per cycle: server RSS ${mib(r.rssBeforeBytes)} before → ${mib(r.rssAfterBytes)} after (${r.growthBytes >= 0 ? '+' : ''}${mib(r.growthBytes)}).`, '');
  }
  if (results.problems.length) {
    lines.push('#### Problems during the run', '', ...results.problems.map((problem) => `- ${problem}`), '');
  }
  return lines.join('\n');
}
