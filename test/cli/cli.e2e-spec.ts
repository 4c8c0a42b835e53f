import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { startTestApp, TEST_ADMIN, TestApp } from '../helpers/test-app.js';
import { IMAGES_DIR } from '../serving/serving-helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'modelport.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

/**
 * The built `modelport` bin as a CI job runs it: a child process against the real server, with
 * its own config directory, asserting on exit codes and --json output.
 */
describe('modelport CLI as a child process (CI-style script)', { timeout: 600_000 }, () => {
  let t: TestApp;
  let work: string;
  let config: string;

  function cli(args: string[], options: { input?: string; env?: Record<string, string | undefined> } = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const env: Record<string, string | undefined> = { ...process.env, XDG_CONFIG_HOME: config, MODELPORT_URL: undefined, MODELPORT_TOKEN: undefined, MODELPORT_PASSWORD: undefined, MODELPORT_ACCESS_TOKEN: undefined, ...options.env };
      const child = spawn(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      });
      child.stdin.end(options.input ?? '');
    });
  }

  beforeAll(async () => {
    if (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js'))) throw new Error('run `npm run build` first: this test runs the built bin');
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
    config = join(work, 'config');
    buildOnnxClassifier(join(work, 'cls-v1.onnx'), { size: 16, classes: 3, seed: 1 });
    buildOnnxClassifier(join(work, 'cls-v2.onnx'), { size: 16, classes: 3, seed: 2 });
    writeFileSync(join(work, 'config.json'), JSON.stringify({ task: 'classification', postprocess: { labels: ['cat', 'cup', 'other'] } }));
    writeFileSync(join(work, 'broken.onnx'), 'this is not an onnx model');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs a whole pipeline: login, upload --deploy --wait, token --quiet, infer, new version, rollback, revoke', async () => {
    expect((await cli(['wait-ready', '--url', t.url, '--timeout', '30', '--json'])).json).toEqual({ ready: true, url: t.url });

    const login = await cli(['login', '--url', t.url, '--username', TEST_ADMIN.username, '--password-stdin', '--json'], { input: `${TEST_ADMIN.password}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.json).toMatchObject({ profile: 'default', url: t.url, username: TEST_ADMIN.username, role: 'admin' });
    const profileFile = join(config, 'modelport', 'profiles.json');
    expect(statSync(profileFile).mode & 0o777).toBe(0o600);

    const upload = await cli(['models', 'upload', join(work, 'cls-v1.onnx'), '--name', 'ci-cls', '--config', join(work, 'config.json'), '--deploy', '--wait', '--json']);
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.json).toMatchObject({ model: { name: 'ci-cls', status: 'deployed', activeVersion: 1 }, version: 1, validation: { ok: true } });
    expect(upload.stderr).toMatch(/uploading \[/);

    const secret = await cli(['tokens', 'create', '--name', 'ci-token', '--models', 'ci-cls', '--quiet']);
    expect(secret.code, secret.stderr).toBe(0);
    const token = secret.stdout.trim();
    expect(secret.stdout).toBe(`${token}\n`);
    expect(token.length).toBeGreaterThan(20);

    const photo = join(IMAGES_DIR, 'chelsea.png');
    const inferred = await cli(['infer', 'ci-cls', photo, '--access-token', token, '--json']);
    expect(inferred.code, inferred.stderr).toBe(0);
    expect(inferred.json.results[0].predictions).toHaveLength(3);
    expect(inferred.json.results[0].predictions.map((p: { label: string }) => p.label).sort()).toEqual(['cat', 'cup', 'other']);
    const asTable = await cli(['infer', 'ci-cls', photo, join(IMAGES_DIR, 'coffee.png'), '--top-k', '2'], { env: { MODELPORT_ACCESS_TOKEN: token } });
    expect(asTable.code, asTable.stderr).toBe(0);
    expect(asTable.stdout).toMatch(/chelsea\.png:\nRANK\s+LABEL\s+SCORE\n1\s+\w+\s+0\.\d+/);
    expect(asTable.stdout).toMatch(/coffee\.png:/);

    const second = await cli(['models', 'upload', join(work, 'cls-v2.onnx'), '--model', 'ci-cls', '--deploy', '--wait', '--no-progress', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json).toMatchObject({ model: { status: 'deployed', activeVersion: 2 }, version: 2 });
    const rollback = await cli(['models', 'rollback', 'ci-cls', '--json']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.json).toMatchObject({ activeVersion: 1, status: 'deployed' });
    expect((await cli(['models', 'activate', 'ci-cls', '2', '--json'])).json).toMatchObject({ activeVersion: 2 });

    const listed = await cli(['models', 'list', '--json']);
    expect(listed.json.items.map((m: { name: string }) => m.name)).toContain('ci-cls');
    expect((await cli(['models', 'list'])).stdout).toMatch(/^ID\s+NAME\s+STATUS/);
    expect((await cli(['wait-ready', '--model', 'ci-cls', '--timeout', '10', '--json'])).code).toBe(0);

    const tokens = await cli(['tokens', 'list', '--json']);
    expect(tokens.json.items.map((item: { name: string }) => item.name)).toContain('ci-token');
    expect((await cli(['tokens', 'disable', 'ci-token', '--json'])).json).toMatchObject({ status: 'disabled' });
    expect((await cli(['tokens', 'enable', 'ci-token', '--json'])).json).toMatchObject({ status: 'active' });
    const rotated = await cli(['tokens', 'rotate', 'ci-token', '--quiet']);
    const newToken = rotated.stdout.trim();
    expect(newToken).not.toBe(token);
    expect((await cli(['tokens', 'revoke', 'ci-token', '--json'])).code).toBe(0);
    const refused = await cli(['infer', 'ci-cls', photo, '--access-token', newToken, '--json']);
    expect(refused.code).toBe(3);
    expect(refused.json.error.code).toBe('ACCESS_TOKEN_REVOKED');
    expect(refused.stderr).toMatch(/^error: ACCESS_TOKEN_REVOKED: /);

    const undeployed = await cli(['models', 'undeploy', 'ci-cls', '--json']);
    expect(undeployed.json).toMatchObject({ status: 'validated' });
    const removed = await cli(['models', 'delete', 'ci-cls', '--json']);
    expect(removed.json).toMatchObject({ name: 'ci-cls', deleted: true });
  });

  it('wrong password, unknown model, a server that is down, bad usage and a timeout each give their exit code', async () => {
    const wrong = await cli(['login', '--url', t.url, '--username', TEST_ADMIN.username], { env: { MODELPORT_PASSWORD: 'not-the-password' } });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^error: INVALID_CREDENTIALS: .+/m);
    const good = await cli(['login', '--url', t.url, '--username', TEST_ADMIN.username, '--profile', 'second', '--json'], { env: { MODELPORT_PASSWORD: TEST_ADMIN.password } });
    expect(good.code, good.stderr).toBe(0);

    const unknown = await cli(['models', 'get', 'no-such-model', '--profile', 'second', '--json']);
    expect(unknown.code).toBe(4);
    expect(unknown.json.error).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('no-such-model') });

    const down = await cli(['models', 'list', '--url', 'http://127.0.0.1:9', '--json'], { env: { MODELPORT_TOKEN: 'x' } });
    expect(down.code).toBe(6);
    expect(down.stderr).toMatch(/^error: SERVER_UNREACHABLE: Cannot reach http:\/\/127\.0\.0\.1:9/m);

    expect((await cli(['models', 'activate', 'x', 'not-a-number', '--profile', 'second'])).code).toBe(2);
    expect((await cli(['models', 'list', '--bogus-option'])).code).toBe(2);
    expect((await cli(['tokens'])).code).toBe(2);
    expect((await cli(['login', '--url', t.url])).code).toBe(2);
    const noPassword = await cli(['login', '--url', t.url, '--username', 'admin']);
    expect([noPassword.code, noPassword.stderr]).toEqual([2, expect.stringMatching(/NO_PASSWORD/)]);
    expect((await cli(['infer', 'm', 'x.png', '--profile', 'second'])).code).toBe(2);
    const help = await cli(['models', 'upload', '--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/Exit codes:[\s\S]*7\s+timed out/)]);

    const invalid = await cli(['models', 'upload', join(work, 'broken.onnx'), '--name', 'broken', '--no-progress', '--profile', 'second']);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/validation: FAILED\n\s+error\s+\w+: /);
    expect(invalid.stderr).toMatch(/MODEL_INVALID/);
    const stuck = await cli(['wait-ready', '--model', 'broken', '--timeout', '1', '--profile', 'second', '--json']);
    expect(stuck.code).toBe(7);
    expect(stuck.json.error.code).toBe('TIMEOUT');
  });

  it('MODELPORT_URL and MODELPORT_TOKEN override the profile (no profile file needed)', async () => {
    const emptyConfig = join(work, 'empty-config');
    const login = await cli(['login', '--url', t.url, '--username', TEST_ADMIN.username, '--profile', 'ci', '--json'], { env: { MODELPORT_PASSWORD: TEST_ADMIN.password } });
    const session = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(config, 'modelport', 'profiles.json'), 'utf8'))).profiles.ci.authToken;
    expect(login.code).toBe(0);
    const listed = await cli(['models', 'list', '--json'], { env: { XDG_CONFIG_HOME: emptyConfig, MODELPORT_URL: t.url, MODELPORT_TOKEN: session } });
    expect(listed.code, listed.stderr).toBe(0);
    expect(Array.isArray(listed.json.items)).toBe(true);
    const noServer = await cli(['models', 'list'], { env: { XDG_CONFIG_HOME: emptyConfig } });
    expect([noServer.code, noServer.stderr]).toEqual([2, expect.stringMatching(/NO_SERVER/)]);
    const badToken = await cli(['models', 'list', '--json'], { env: { XDG_CONFIG_HOME: emptyConfig, MODELPORT_URL: t.url, MODELPORT_TOKEN: 'not-a-jwt' } });
    expect(badToken.code).toBe(3);
  });
});
