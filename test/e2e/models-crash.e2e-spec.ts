import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataDir, request, TEST_ADMIN } from '../helpers/test-app.js';
import { loginAs } from '../helpers/auth.js';
import { MODELS } from './models-helpers.js';
import { freePort, SERVER_BUNDLE, startBundledServer, waitFor, type ChildServer } from '../helpers/child-server.js';

const MAIN = SERVER_BUNDLE;

/** Files (recursively) under a directory, with their sizes. */
function filesUnder(dir: string): Array<{ path: string; size: number }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [{ path: full, size: statSync(full).size }];
  });
}

/** Peak resident memory of a process so far, in bytes (Linux). */
function peakRssBytes(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error('no VmHWM in /proc status');
  return Number(match[1]) * 1024;
}

function stopServer(child: ChildProcess): Promise<unknown> {
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGTERM');
  return exited;
}

describe('uploads against the real built server (e2e)', () => {
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  function newDataDir(): string {
    const dir = makeDataDir();
    dataDirs.push(dir);
    return dir;
  }

  async function startServer(port: number, dataDir: string): Promise<ChildServer> {
    const server = await startBundledServer(port, dataDir);
    children.push(server.child);
    return server;
  }

  it('streams a 256 MB upload to disk with flat memory and the right sha256', async () => {
    expect(existsSync(MAIN), 'run `npm run build` first (npm test does)').toBe(true);
    const dataDir = newDataDir();
    const server = await startServer(await freePort(), dataDir);
    const token = await loginAs(server.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const peakBefore = peakRssBytes(server.child.pid!);

    const boundary = '----modelport-big-upload';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nbig-plan\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.plan"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(1024 * 1024);
    const chunks = 256;
    const hash = createHash('sha256');
    const response = await new Promise<{ status: number; body: any }>((resolveResponse, reject) => {
      const upload = httpRequest(`${server.url}${MODELS}`, {
        method: 'POST',
        headers: { 'X-Auth-Token': token, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(head.length + chunks * chunk.length + tail.length) },
      });
      upload.on('error', reject);
      upload.on('response', (res) => {
        let text = '';
        res.on('data', (data) => (text += data));
        res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      upload.write(head);
      let sent = 0;
      const pump = () => {
        while (sent < chunks) {
          chunk.fill(sent % 251);
          hash.update(chunk);
          sent += 1;
          if (!upload.write(Buffer.from(chunk))) {
            upload.once('drain', pump);
            return;
          }
        }
        upload.end(tail);
      };
      pump();
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ format: 'tensorrt-plan', sizeBytes: chunks * chunk.length, sha256: hash.digest('hex') });
    // No TensorRT on this host: the plan is stored but invalid, with the reason.
    expect(response.body.status).toBe('invalid');
    const growth = peakRssBytes(server.child.pid!) - peakBefore;
    expect(growth).toBeLessThan(96 * 1024 * 1024);
    await stopServer(server.child);
  });

  it('leaves no model row, no model file and an empty temp dir after a SIGKILL mid-upload', async () => {
    expect(existsSync(MAIN), 'run `npm run build` first (npm test does)').toBe(true);
    const dataDir = newDataDir();
    const port = await freePort();
    const first = await startServer(port, dataDir);
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

    const second = await startServer(port, dataDir);
    const token2 = await loginAs(second.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const listed = await request(`${second.url}${MODELS}`, { headers: { 'X-Auth-Token': token2 } });
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(0);
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
    expect(filesUnder(join(dataDir, 'models'))).toEqual([]);
    await stopServer(second.child);
  });
});
