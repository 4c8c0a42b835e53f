import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataDir, request, TEST_ADMIN, TEST_JWT_SECRET } from '../helpers/test-app.js';
import { loginAs } from '../helpers/auth.js';
import { MODELS } from './models-helpers.js';

const MAIN = resolve('dist/src/main.js');

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/** Files (recursively) under a directory, with their sizes. */
function filesUnder(dir: string): Array<{ path: string; size: number }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [{ path: full, size: statSync(full).size }];
  });
}

describe('crash safety of uploads: the real server killed with SIGKILL mid-upload (e2e)', () => {
  const dataDir = makeDataDir();
  const children: ChildProcess[] = [];

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startServer(port: number): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        JWT_SECRET: TEST_JWT_SECRET,
        ADMIN_USERNAME: TEST_ADMIN.username,
        ADMIN_PASSWORD: TEST_ADMIN.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`server exited early: ${output.slice(-2000)}`);
      return (await request(`${url}/ready`)).status === 200 ? true : undefined;
    }, 'the server to be ready');
    return { child, url };
  }

  it('leaves no model row, no model file and an empty temp dir after boot', async () => {
    expect(existsSync(MAIN), 'run `npm run build` first (npm test does)').toBe(true);
    const port = await freePort();
    const first = await startServer(port);
    const token = await loginAs(first.url, TEST_ADMIN.username, TEST_ADMIN.password);

    // A multipart upload that announces 64 MB but sends only the first 2 MB, then stalls.
    const boundary = '----modelport-crash-test';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nhalf-model\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const upload = httpRequest(`${first.url}${MODELS}`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(head.length + 64 * 1024 * 1024) },
    });
    const uploadOutcome = new Promise<string>((resolveOutcome) => {
      upload.on('error', (error) => resolveOutcome(`error: ${error.message}`));
      upload.on('response', (response) => resolveOutcome(`response: ${response.statusCode}`));
    });
    upload.write(head);
    for (let index = 0; index < 32; index += 1) upload.write(Buffer.alloc(64 * 1024, index));

    // The server is mid-stream once a partial file exists under tmp/.
    const partial = await waitFor(() => filesUnder(join(dataDir, 'tmp')).find((file) => file.size > 0), 'a partial upload in tmp/');
    expect(partial.path).toContain(join(dataDir, 'tmp'));
    first.child.kill('SIGKILL');
    await new Promise((resolveExit) => first.child.once('exit', resolveExit));
    expect(await uploadOutcome).toMatch(/^error/);
    expect(filesUnder(join(dataDir, 'tmp')).length).toBeGreaterThan(0);

    const second = await startServer(port);
    const token2 = await loginAs(second.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const listed = await request(`${second.url}${MODELS}`, { headers: { 'X-Auth-Token': token2 } });
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(0);
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
    expect(filesUnder(join(dataDir, 'models'))).toEqual([]);
    second.child.kill('SIGTERM');
    await new Promise((resolveExit) => second.child.once('exit', resolveExit));
  });
});
