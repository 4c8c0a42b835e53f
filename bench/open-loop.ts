/**
 * An open-loop load generator for the overload rows. autocannon's `overallRate` caps its connection
 * count at the rate and lets each connection send only after its previous answer, so when queued
 * requests wait seconds the rate it really offers collapses (it closes the loop). Here requests start
 * on a fixed schedule whatever the earlier ones are doing, on up to `connections` sockets; a start
 * that finds every socket busy is counted as not offered, so the achieved offered rate is reported
 * next to the target instead of being assumed.
 */
import http from 'node:http';

export interface OpenLoopJob {
  url: string;
  headers: Record<string, string>;
  bodies: Buffer[];
  /** Requests started per second (the target). */
  rate: number;
  /** Upper bound on sockets, hence on requests in flight. */
  connections: number;
  durationSeconds: number;
  timeoutSeconds: number;
  /** Called once when the schedule has ended (tests release held answers here). */
  onScheduleEnd?: () => void;
}

export interface OpenLoopOutcome {
  /** Latency (ms, from the request's start) per status code; 0 = no answer (error or timeout). */
  byStatus: Map<number, number[]>;
  /** 2xx answers that completed within the schedule's window (goodput counts only these). */
  successInWindow: number;
  /** Answers that completed after the schedule ended (the queue draining). */
  answeredAfterWindow: number;
  started: number;
  /** Scheduled starts skipped because all `connections` were busy. */
  notStarted: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  peakInFlight: number;
}

/** How often the scheduler wakes; it starts every request whose time has come, so the rate does not drift with timer lateness. */
const TICK_MS = 2;

export function runOpenLoop(job: OpenLoopJob): Promise<OpenLoopOutcome> {
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const outcome: OpenLoopOutcome = { byStatus: new Map(), successInWindow: 0, answeredAfterWindow: 0, started: 0, notStarted: 0, errors: 0, timeouts: 0, durationSeconds: job.durationSeconds, peakInFlight: 0 };
  let inFlight = 0;
  let scheduled = 0;
  const windowEnd = () => began + job.durationSeconds * 1000;
  let began = 0;
  const record = (status: number, ms: number) => {
    if (status !== 0 && performance.now() > windowEnd()) outcome.answeredAfterWindow += 1;
    else if (status >= 200 && status < 300) outcome.successInWindow += 1;
    let list = outcome.byStatus.get(status);
    if (!list) outcome.byStatus.set(status, (list = []));
    list.push(ms);
  };

  return new Promise((resolve) => {
    let stopped = false;
    const finishIfDone = () => {
      if (stopped && inFlight === 0) {
        agent.destroy();
        resolve(outcome);
      }
    };
    const start = () => {
      const body = job.bodies[outcome.started % job.bodies.length];
      outcome.started += 1;
      inFlight += 1;
      outcome.peakInFlight = Math.max(outcome.peakInFlight, inFlight);
      const began = performance.now();
      let settled = false;
      const settle = (status: number) => {
        if (settled) return;
        settled = true;
        inFlight -= 1;
        record(status, performance.now() - began);
        finishIfDone();
      };
      const request = http.request(
        { agent, host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: 'POST', headers: { ...job.headers, 'content-length': String(body.length) }, timeout: job.timeoutSeconds * 1000 },
        (response) => {
          response.resume();
          response.once('end', () => settle(response.statusCode ?? 0));
          response.once('error', () => {
            outcome.errors += 1;
            settle(0);
          });
        },
      );
      request.once('timeout', () => {
        outcome.timeouts += 1;
        request.destroy();
        settle(0);
      });
      request.once('error', () => {
        // A server that answers early (a 503 before the body is read) may reset the socket while the
        // body is still going out; the answer, if it arrived, has been recorded already.
        if (!settled) outcome.errors += 1;
        settle(0);
      });
      request.end(body);
    };

    began = performance.now();
    const timer = setInterval(() => {
      const elapsed = performance.now() - began;
      const due = Math.min(Math.floor((elapsed / 1000) * job.rate), Math.floor(job.durationSeconds * job.rate));
      for (; scheduled < due; scheduled += 1) {
        if (inFlight >= job.connections) outcome.notStarted += 1;
        else start();
      }
      if (elapsed >= job.durationSeconds * 1000) {
        clearInterval(timer);
        stopped = true;
        job.onScheduleEnd?.();
        finishIfDone();
      }
    }, TICK_MS);
  });
}
