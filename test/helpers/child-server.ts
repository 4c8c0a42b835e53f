import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { bundlePath } from '../../src/tools/bundle-server.js';
import { request, TEST_ADMIN, TEST_JWT_SECRET } from './test-app.js';

/** A loopback port free right now, for a server started as a child process. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/** Polls `probe` until it yields a value (a throw counts as not yet); fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 25));
  }
}

/** The production entry point `npm start` runs: the bundled server (src/tools/bundle-server.ts). */
export const SERVER_BUNDLE = bundlePath(resolve('dist'));

export interface ChildServer {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
}

/**
 * Spawns the production bundle as a child process on loopback with the tests' admin and secret,
 * without waiting for it. `env` adds to or overrides the defaults (NODE_ENV test, LOG_LEVEL warn,
 * gRPC on an ephemeral port so several servers fit on one host).
 */
export function spawnBundledServer(port: number, dataDir: string, env: Record<string, string> = {}): ChildServer {
  const child = spawn(process.execPath, [SERVER_BUNDLE], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      GRPC_PORT: '0',
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_USERNAME: TEST_ADMIN.username,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

/** Waits until a child server's `/ready` answers 200; rejects with its output if it exits first. */
export function waitUntilReady(server: ChildServer, what = 'the server', timeoutMs?: number): Promise<true> {
  return waitFor(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`${what} exited early: ${server.output().slice(-2000)}`);
      return (await request(`${server.url}/ready`)).status === 200 ? true : undefined;
    },
    `${what} to be ready`,
    timeoutMs,
  );
}

/** spawnBundledServer, then waitUntilReady; a server that never gets ready is killed. */
export async function startBundledServer(port: number, dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const server = spawnBundledServer(port, dataDir, env);
  try {
    await waitUntilReady(server);
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
  return server;
}
