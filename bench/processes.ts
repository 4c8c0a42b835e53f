import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { bundlePath } from '../src/tools/bundle-server.js';
import { serverCommand } from './cpu-split.js';
import type { LoadJob, LoadResult } from './load.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The last lines the process wrote to stderr (for failure messages). */
  stderrTail(): string;
  stop(): Promise<void>;
}

/**
 * Starts a node script and resolves once `readyPath` answers 200. For experiments, `BENCH_NODE_FLAGS`
 * (space-separated) adds Node/V8 flags to every server the benchmark starts, and `BENCH_SERVER_STDOUT_DIR`
 * keeps each server's stdout in `<dir>/<script>-<pid>.log` (with `--trace-gc`, say). Under `--cpu-split` the
 * server runs on the server cores (bench/cpu-split.ts).
 */
export async function startNodeServer(script: string, args: string[], env: Record<string, string>, port: number, readyPath: string, timeoutMs = 60_000): Promise<ServerProcess> {
  const extraFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const stdoutDir = process.env.BENCH_SERVER_STDOUT_DIR;
  const command = serverCommand([...extraFlags, ...args, script]);
  const child = spawn(command.command, command.args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', stdoutDir ? 'pipe' : 'ignore', 'pipe'] });
  if (stdoutDir && child.stdout) child.stdout.pipe(createWriteStream(join(stdoutDir, `${basename(script)}-${child.pid}.log`)));
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail.push(chunk);
    if (tail.length > 20) tail.shift();
  });
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    child,
    url,
    stderrTail: () => tail.join('').slice(-4000),
    stop: () => stopProcess(child),
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}: ${server.stderrTail()}`);
    try {
      const response = await fetch(`${url}${readyPath}`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  throw new Error(`${script} did not become ready within ${timeoutMs} ms: ${server.stderrTail()}`);
}

export function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const CLOCK_TICKS = 100;

/** utime + stime of a process in ms, from /proc/<pid>/stat (Linux; USER_HZ is 100 there). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * CPU ms per thread group of a process (/proc/<pid>/task/<tid>/stat): the main thread (its tid is the
 * pid) apart, the others by thread name (libuv's pool, worker threads, ONNX Runtime's and libvips' own).
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const groups = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = Number(tid) === pid ? 'main thread' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      groups.set(name, (groups.get(name) ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      // the thread exited between the listing and the read
    }
  }
  return groups;
}

/**
 * The scheduler's account of a process's main thread (Linux `/proc/<pid>/task/<pid>/schedstat`): time on a
 * core, time runnable but waiting for one, and how many times it was put on a core. Zeros where unreadable.
 */
export function mainThreadSchedMs(pid: number): { runMs: number; waitMs: number; slices: number } {
  try {
    const [run, wait, slices] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { runMs: run / 1e6, waitMs: wait / 1e6, slices };
  } catch {
    return { runMs: 0, waitMs: 0, slices: 0 };
  }
}

/** Resident and peak-resident memory of a process, from /proc (Linux). */
export function readRss(pid: number): { rssBytes: number; peakRssBytes: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
  } catch {
    return { rssBytes: 0, peakRssBytes: 0 };
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the maximum seen. */
export function watchRss(pid: number, everyMs = 100): { stop(): number } {
  let peak = readRss(pid).rssBytes;
  const timer = setInterval(() => {
    peak = Math.max(peak, readRss(pid).rssBytes);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, readRss(pid).rssBytes);
    },
  };
}

/** Runs one load job in a separate process (dist/bench/load.js) and returns its result. */
export async function runLoad(loadScript: string, job: LoadJob): Promise<LoadResult> {
  const directory = mkdtempSync(join(tmpdir(), 'modelport-load-'));
  const jobFile = join(directory, 'job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  try {
    const child = spawn(process.execPath, [loadScript, jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`load generator failed (${code}): ${stderr.slice(-2000)}`);
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadResult;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** What `npm start` runs: the bundled server in `<dist>/server.mjs`; `unbundled` picks the module tree it was made from (`<dist>/src/main.js`). */
export function serverEntry(distDir: string, unbundled = false): string {
  return unbundled ? join(distDir, 'src', 'main.js') : bundlePath(distDir);
}
