/**
 * `--cpu-split`: the servers under test and the in-process limit run on one set of cores, the load
 * generators (and the benchmark's own probes) on the rest, so that the generator's CPU is not taken
 * from the server it measures. On a shared host the client otherwise costs 5–38 ms of CPU per
 * request on the server's own cores. Linux only: it uses `taskset` (util-linux).
 *
 * The benchmark process is pinned to the generator cores, so everything it starts inherits them;
 * servers are started through `taskset -c <server cores>`, and the limit measurement moves the
 * benchmark process to the server cores for its duration.
 */
import { execFileSync } from 'node:child_process';

export interface CpuSplit {
  /** CPU list for servers and the limit, in taskset's syntax ("0" or "0-5"). */
  server: string;
  /** CPU list for load generators and probes. */
  generator: string;
  serverCores: number;
  generatorCores: number;
}

let active: CpuSplit | undefined;

/** Parses taskset's CPU list syntax ("0,2-4") into core numbers. */
export function parseCpuList(list: string): number[] {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part) => {
      const [from, to] = part.split('-').map(Number);
      if (!Number.isInteger(from) || (to !== undefined && !Number.isInteger(to))) throw new Error(`not a CPU list: ${list}`);
      return Array.from({ length: (to ?? from) - from + 1 }, (_, index) => from + index);
    });
}

/** A quarter of the cores (at least one, the highest numbered) for the generator; the rest for the server. */
export function planCpuSplit(cores: number[]): CpuSplit {
  if (cores.length < 2) throw new Error(`--cpu-split needs at least two usable cores; this process may use ${cores.length}`);
  const generatorCount = Math.max(1, Math.floor(cores.length / 4));
  const server = cores.slice(0, cores.length - generatorCount);
  const generator = cores.slice(cores.length - generatorCount);
  return { server: server.join(','), generator: generator.join(','), serverCores: server.length, generatorCores: generator.length };
}

function affinity(pid: number): number[] {
  const output = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  const list = /list:\s*(\S+)/.exec(output)?.[1];
  if (!list) throw new Error(`cannot read the CPU affinity of ${pid}: ${output.trim()}`);
  return parseCpuList(list);
}

/** Pins every thread of a process (taskset -a) to a CPU list. */
function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-c', '-p', cpus, String(pid)], { stdio: 'ignore' });
}

/** Splits this process's cores and pins the benchmark process to the generator's part. */
export function enableCpuSplit(): CpuSplit {
  active = planCpuSplit(affinity(process.pid));
  pin(process.pid, active.generator);
  return active;
}

export function activeCpuSplit(): CpuSplit | undefined {
  return active;
}

/** The command that starts a server: `node ...`, or `taskset -c <server cores> node ...` under a split. */
export function serverCommand(args: string[]): { command: string; args: string[] } {
  return active ? { command: 'taskset', args: ['-c', active.server, process.execPath, ...args] } : { command: process.execPath, args };
}

/** Runs `work` with the benchmark process on the server cores (the in-process limit), then moves it back. */
export async function onServerCores<T>(work: () => Promise<T>): Promise<T> {
  const split = active;
  if (!split) return work();
  pin(process.pid, split.server);
  try {
    return await work();
  } finally {
    pin(process.pid, split.generator);
  }
}
