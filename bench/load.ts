/**
 * The load generator, run as its own process so its CPU use is separate from the servers'
 * event loops. Reads a job (JSON file path in argv[2]), prints one JSON result line.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { runOpenLoop } from './open-loop.js';
import { summarize } from './stats.js';

export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  /** Files holding complete request bodies; requests rotate through them. */
  bodyFiles: string[];
  connections: number;
  durationSeconds: number;
  /** Open-loop total request rate (overload tests, bench/open-loop.ts); closed loop (autocannon) when absent. */
  overallRate?: number;
  timeoutSeconds?: number;
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  requests: number;
  /** Responses with a 2xx status (open loop: those completed inside the window, see `open`). */
  success: number;
  requestsPerSecond: number;
  /** 2xx responses per second: what the server actually served. */
  successPerSecond: number;
  latencyMs: ReturnType<typeof summarize>;
  latencyByStatusMs: Record<string, ReturnType<typeof summarize> & { count: number }>;
  errors: number;
  timeouts: number;
  /** CPU the load generator itself used (user + system, ms): it shares the cores with the server. */
  clientCpuMs: number;
  /** The kernel's part of it (sending the bodies over loopback TCP). */
  clientSystemCpuMs: number;
  /** Open loop only: the target rate, the rate of requests actually started, starts skipped because every connection was busy, and the most in flight at once. */
  open?: { targetRps: number; startedPerSecond: number; notStarted: number; peakInFlight: number; answeredAfterWindow: number };
}

function summaryByStatus(byStatus: Map<number, number[]>): LoadResult['latencyByStatusMs'] {
  return Object.fromEntries([...byStatus.entries()].map(([status, list]) => [String(status), { count: list.length, ...summarize(list) }]));
}

/** The fields both generators report, from their latencies (all, and per status) and counts. */
function loadResult(
  connections: number,
  seconds: number,
  latencies: number[],
  byStatus: Map<number, number[]>,
  success: number,
  failures: { errors: number; timeouts: number },
  cpu: NodeJS.CpuUsage,
): LoadResult {
  return {
    connections,
    durationSeconds: seconds,
    requests: latencies.length,
    success,
    requestsPerSecond: Math.round((latencies.length / seconds) * 10) / 10,
    successPerSecond: Math.round((success / seconds) * 10) / 10,
    latencyMs: summarize(latencies),
    latencyByStatusMs: summaryByStatus(byStatus),
    errors: failures.errors,
    timeouts: failures.timeouts,
    clientCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    clientSystemCpuMs: Math.round(cpu.system / 1000),
  };
}

async function openLoop(job: LoadJob & { overallRate: number }, bodies: Buffer[]): Promise<LoadResult> {
  const cpuBefore = process.cpuUsage();
  const outcome = await runOpenLoop({ url: job.url, headers: job.headers, bodies, rate: job.overallRate, connections: job.connections, durationSeconds: job.durationSeconds, timeoutSeconds: job.timeoutSeconds ?? 30 });
  const cpu = process.cpuUsage(cpuBefore);
  const answered = new Map([...outcome.byStatus.entries()].filter(([status]) => status !== 0));
  const all = [...answered.values()].flat();
  // Goodput: 2xx answers completed inside the window, not the queue's drain after it.
  const success = outcome.successInWindow;
  const seconds = outcome.durationSeconds;
  return {
    ...loadResult(job.connections, seconds, all, answered, success, outcome, cpu),
    open: { targetRps: job.overallRate, startedPerSecond: Math.round((outcome.started / seconds) * 10) / 10, notStarted: outcome.notStarted, peakInFlight: outcome.peakInFlight, answeredAfterWindow: outcome.answeredAfterWindow },
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadJob;
  const bodies = job.bodyFiles.map((file) => readFileSync(file));
  if (job.overallRate) {
    process.stdout.write(`${JSON.stringify(await openLoop({ ...job, overallRate: job.overallRate }, bodies))}\n`);
    return;
  }
  const cpuBefore = process.cpuUsage();
  let next = 0;
  const latencies: number[] = [];
  const byStatus = new Map<number, number[]>();
  const instance = autocannon({
    url: job.url,
    method: 'POST',
    headers: job.headers,
    body: bodies[0],
    connections: job.connections,
    duration: job.durationSeconds,
    timeout: job.timeoutSeconds ?? 30,
  });
  instance.on('response', (client: { setBody(body: Buffer): void }, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    let list = byStatus.get(statusCode);
    if (!list) byStatus.set(statusCode, (list = []));
    list.push(responseTime);
    next = (next + 1) % bodies.length;
    client.setBody(bodies[next]);
  });
  const result = await instance;
  const cpu = process.cpuUsage(cpuBefore);
  const success = [...byStatus.entries()].filter(([status]) => status >= 200 && status < 300).reduce((sum, [, list]) => sum + list.length, 0);
  const output = loadResult(job.connections, result.duration, latencies, byStatus, success, result, cpu);
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
