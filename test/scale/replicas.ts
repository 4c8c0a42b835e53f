import type { ChildProcess } from 'node:child_process';
import { freePort, spawnBundledServer, waitFor, waitUntilReady } from '../helpers/child-server.js';

export { freePort, waitFor };

/** One replica of the production build, as a child process on a loopback port. */
export interface Replica {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
  /** kill -9, resolved once the process is gone. */
  kill(): Promise<void>;
}

export interface SharedSetup {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
  env?: Record<string, string>;
}

/** Starts a replica; `port` reuses a known one (a restart behind the same load balancer entry). */
export async function startReplica(name: string, shared: SharedSetup, port?: number): Promise<Replica> {
  port ??= await freePort();
  const { child, output } = spawnBundledServer(port, shared.dataDir, {
    DATABASE_URL: shared.databaseUrl,
    REDIS_URL: shared.redisUrl,
    REDIS_PREFIX: shared.redisPrefix,
    ...shared.env,
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export function waitReady(replica: Replica): Promise<true> {
  // Generous: three replicas load engines at once on a machine that may be running other suites.
  return waitUntilReady(replica, replica.name, 300_000);
}
