import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, SERVER_BUNDLE, waitFor } from '../helpers/child-server.js';
import { request, TEST_ADMIN, TEST_JWT_SECRET } from '../helpers/test-app.js';

const MAIN = SERVER_BUNDLE;

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
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: shared.dataDir,
      DATABASE_URL: shared.databaseUrl,
      REDIS_URL: shared.redisUrl,
      REDIS_PREFIX: shared.redisPrefix,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_USERNAME: TEST_ADMIN.username,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      // Several replicas on one host: each gRPC server on an ephemeral port.
      GRPC_PORT: '0',
      ...shared.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => output,
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
  return waitFor(async () => {
    if (replica.child.exitCode !== null) throw new Error(`${replica.name} exited: ${replica.output()}`);
    const res = await request(`${replica.url}/ready`);
    return res.status === 200 ? true : undefined;
    // Generous: three replicas load engines at once on a machine that may be running other suites.
  }, `${replica.name} ready`, 300_000);
}
