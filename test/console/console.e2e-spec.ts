/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the real
 * server from createApp() on a temporary DATA_DIR: the whole journey of a new admin, with an
 * accessibility scan and a screenshot of every page, and no error in the browser console.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { defaultConsoleDir } from '../../src/console/console-static.js';
import { buildOnnxClassifier } from '../fixtures/models/index.js';
import { WarnCapture } from '../helpers/warn-capture.js';
import { makeDataDir, TEST_JWT_SECRET } from '../helpers/test-app.js';
import { IMAGES_DIR } from '../serving/serving-helpers.js';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumAvailable } from './browser.js';

/** Screenshots go here; a current set is committed under docs/console/. */
const SHOTS = process.env.CONSOLE_SCREENSHOTS_DIR ?? join(import.meta.dirname, '..', '..', '.tmp', 'console-screenshots');
const NEW_PASSWORD = 'a-long-admin-passphrase-1';

// Each step drives a real browser against real engines on a shared 2-core machine: generous timeouts.
describe.skipIf(!chromiumAvailable())('console in Chromium: the journey of a new admin', { timeout: 240_000 }, () => {
  let app: NestFastifyApplication;
  let url: string;
  let dataDir: string;
  let work: string;
  let generatedPassword: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const consoleErrors: string[] = [];

  async function axe(name: string): Promise<void> {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious.map((violation) => `${name}: ${violation.id} (${violation.impact}) ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`)).toEqual([]);
  }

  async function shoot(name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  /** Signs out and waits for the logout's answer, so the next step never races the revocation. */
  async function signOut(): Promise<void> {
    const loggedOut = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/internal/auth/logout');
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await loggedOut).status()).toBe(204);
    await page.getByRole('heading', { name: 'Sign in to Modelport' }).waitFor();
  }

  async function nav(name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  }

  beforeAll(async () => {
    if (!existsSync(join(defaultConsoleDir(), 'index.html'))) throw new Error('The console is not built: run `npm run build` first (npm test does)');
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'console-browser-'));
    dataDir = makeDataDir();
    const logger = new WarnCapture();
    app = await createApp({ env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: '' }, logger });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    generatedPassword = logger.generatedPassword();
    buildOnnxClassifier(join(work, 'tiny-classifier.onnx'), { size: 32, classes: 4 });

    userDataDir = mkdtempSync(join(tmpdir(), 'console-chromium-'));
    // A fresh user-data dir per run: no profile, cookie or cache from an earlier run.
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1280, height: 800 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    // Chromium logs a refused request without its URL; keep the URL beside it for the report.
    page.on('response', (response) => {
      if (response.status() >= 400) consoleErrors.push(`(${response.status()} ${response.request().method()} ${new URL(response.url()).pathname})`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    for (const dir of [dataDir, work, userDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('first sign-in with the generated password forces a password change', async () => {
    // Weight: the gzipped JavaScript the first page load transfers (heavy parts load later, on demand).
    const scripts: Array<Promise<number>> = [];
    const onResponse = (response: import('playwright-core').Response) => {
      if (response.request().resourceType() === 'script') scripts.push(response.request().sizes().then((sizes) => sizes.responseBodySize));
    };
    page.on('response', onResponse);
    await page.goto(url, { waitUntil: 'networkidle' });
    page.off('response', onResponse);
    const firstLoadBytes = (await Promise.all(scripts)).reduce((sum, size) => sum + size, 0);
    process.stdout.write(`console first page load: ${scripts.length} scripts, ${(firstLoadBytes / 1024).toFixed(1)} KB of JavaScript transferred (gzip)\n`);
    expect(firstLoadBytes).toBeGreaterThan(0);
    expect(firstLoadBytes).toBeLessThanOrEqual(400 * 1024);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to Modelport' }).isVisible()).toBe(true);
    await axe('sign-in');
    await shoot('sign-in');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid username or password' }).waitFor();
    // The refused login shows the API's message and request id.
    expect(await page.getByRole('alert').textContent()).toMatch(/INVALID_CREDENTIALS.*request id/);
    consoleErrors.length = 0; // that 401 is the point of the step, not a console failure

    await page.getByLabel('Password').fill(generatedPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await axe('change-password');
    await shoot('change-password');
    await page.getByLabel('Current password').fill(generatedPassword);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // Nothing secret in web storage.
    const stored = await page.evaluate('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })');
    expect(stored).toBe(JSON.stringify({ local: {}, session: {}, cookie: 'modelport_session=1' }));
  });

  it('adds the sample model from the empty Models page, deploys it and finds the cat with Try it', async () => {
    await nav('Models');
    await page.getByRole('heading', { name: 'No models yet' }).waitFor();
    await axe('models-empty');
    await shoot('models-empty');
    await page.getByRole('button', { name: 'Add a sample model' }).click();
    await page.getByRole('heading', { name: /sample-object-detector/ }).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Deploy' }).click();
    await page.locator('h1 .chip-deployed').waitFor({ timeout: 120_000 });
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByTestId('dropzone').setInputFiles(join(IMAGES_DIR, 'chelsea.png'));
    const detections = page.getByRole('table', { name: 'Detections' });
    await detections.waitFor({ timeout: 120_000 });
    expect(await detections.locator('tbody tr').first().locator('td').first().textContent()).toBe('cat');
    expect(await page.locator('svg.overlay rect').count()).toBeGreaterThan(0);
    // The slider filters the boxes live.
    const slider = page.getByRole('slider', { name: 'Score threshold' });
    await slider.focus();
    for (let step = 0; step < 100; step++) await page.keyboard.press('ArrowRight');
    await page.getByText('No detection at or above this threshold.').waitFor();
    for (let step = 0; step < 70; step++) await page.keyboard.press('ArrowLeft');
    await detections.waitFor();
    await page.getByRole('table', { name: 'Timing' }).waitFor();
    await axe('try-it');
    await shoot('try-it');
  });

  it('uploads a real ONNX model by drag and drop with a progress bar, then sees the validation report, deploys and classifies', async () => {
    await nav('Models');
    await page.getByRole('link', { name: 'Upload model' }).click();
    await page.getByRole('heading', { name: 'Upload a model' }).waitFor();
    await page.getByTestId('dropzone').setInputFiles(join(work, 'tiny-classifier.onnx'));
    expect(await page.getByLabel('Name').inputValue()).toBe('tiny-classifier');
    await page.getByLabel('Classification').check();
    await page.getByText('The config is valid.').waitFor();
    await axe('upload');
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    await page.getByRole('heading', { name: 'Validation report' }).waitFor({ timeout: 120_000 });
    const progress = page.getByRole('progressbar', { name: 'Upload progress' });
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    expect(await progress.textContent()).toMatch(/KB of .*KB sent \(100%\)/);
    const report = page.getByRole('table', { name: 'Inputs and outputs' });
    expect(await report.textContent()).toContain('[batch, 3, 32, 32]');
    await shoot('upload');

    await page.getByRole('link', { name: 'Open the model' }).click();
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Deploy' }).click();
    await page.locator('h1 .chip-deployed').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Python' }).click();
    expect(await page.locator('pre.code').first().textContent()).toContain('/api/v1/inference/');
    await axe('model-overview');
    await shoot('model-overview');
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByTestId('dropzone').setInputFiles(join(IMAGES_DIR, 'coffee.png'));
    await page.getByRole('list', { name: 'Top predictions' }).waitFor({ timeout: 120_000 });
    expect(await page.getByRole('list', { name: 'Top predictions' }).getByRole('listitem').count()).toBe(4);
    for (const tab of ['Versions', 'Config', 'Statistics']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tabpanel').waitFor();
      if (tab === 'Config') await page.getByText('The config is valid.').waitFor();
      if (tab === 'Statistics') await page.getByText('Latency (ms)').waitFor();
      await axe(`model-${tab.toLowerCase()}`);
      await shoot(`model-${tab.toLowerCase()}`);
    }
  });

  it('issues a token whose secret is shown once', async () => {
    await nav('Tokens');
    await page.getByRole('heading', { name: 'No access tokens yet' }).waitFor();
    await page.getByRole('button', { name: 'Issue token' }).click();
    await page.getByLabel('Token name').fill('ci-pipeline');
    await page.getByLabel(/Rate limit/).fill('600');
    await page.getByLabel(/Monthly quota/).fill('100000');
    await page.getByRole('button', { name: 'Issue', exact: true }).click();
    const secret = await page.getByTestId('token-secret').textContent();
    expect(secret).toMatch(/^mp_|^[\w-]{20,}$/);
    expect(await page.getByText('it is shown only this once').count()).toBe(1);
    await axe('tokens-secret');
    await shoot('tokens-secret');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    const row = page.getByRole('row', { name: /ci-pipeline/ });
    expect(await row.textContent()).toContain('of 100,000');
    expect(await page.content()).not.toContain(secret!);
    await shoot('tokens');
  });

  it('a reload keeps the session through the refresh cookie', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in to Modelport' }).count()).toBe(0);
  });

  it('admin pages: users (with a readable refusal), audit, system, and the live dashboard', async () => {
    await nav('Users');
    await page.getByLabel('New username').fill('watcher');
    await page.getByLabel('Initial password').fill('watcher-password-1');
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row', { name: /watcher/ }).waitFor();
    // The last admin cannot be demoted: the refusal appears next to the action.
    await page.getByLabel('Role of admin', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Save the role of admin' }).click();
    await page.getByRole('row', { name: /admin/ }).getByRole('alert').waitFor();
    expect(await page.getByRole('row', { name: /admin/ }).getByRole('alert').textContent()).toMatch(/admin/i);
    consoleErrors.length = 0; // the refused PATCH is what this step checks
    await axe('users');
    await shoot('users');

    await nav('Audit');
    await page.getByRole('cell', { name: 'model.infer' }).first().waitFor();
    await page.getByLabel('Outcome').selectOption('failure');
    await page.getByRole('cell', { name: 'auth.login' }).first().waitFor();
    await axe('audit');
    await shoot('audit');

    await nav('System');
    await page.getByRole('cell', { name: 'tensorrt', exact: true }).waitFor();
    expect(await page.getByRole('row', { name: /^tensorrt/ }).textContent()).toMatch(/unavailable.*(not built|TensorRT)/);
    await axe('system');
    await shoot('system');

    await nav('Dashboard');
    await page.getByText('2 of 2').waitFor();
    await page.getByRole('row', { name: /sample-object-detector/ }).waitFor();
    await page.getByText('CPU and memory (%)').waitFor();
    await page.locator('.recharts-line').first().waitFor({ timeout: 30_000 });
    await axe('dashboard');
    await shoot('dashboard');
  });

  it('a viewer sees no write actions and no Users page; sign out ends the session', async () => {
    await signOut();
    await page.getByLabel('Username').fill('watcher');
    await page.getByLabel('Password').fill('watcher-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const navLinks = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(navLinks).toEqual(['Dashboard', 'Models', 'Tokens', 'System']);
    await nav('Models');
    await page.getByRole('link', { name: 'tiny-classifier' }).click();
    await page.getByRole('heading', { name: /tiny-classifier/ }).waitFor();
    for (const action of ['Deploy', 'Undeploy', 'Delete']) expect(await page.getByRole('button', { name: action }).count(), action).toBe(0);
    await nav('Tokens');
    await page.getByRole('row', { name: /ci-pipeline/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Issue token' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Revoke|Rotate|Disable/ }).count()).toBe(0);
    await shoot('viewer-tokens');

    await signOut();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Modelport' }).waitFor();
    expect(await page.evaluate('document.cookie')).toBe('');
  });

  it('no error appeared in the browser console during the journey', () => {
    expect(consoleErrors.filter((line) => !line.startsWith('(')), consoleErrors.join('\n')).toEqual([]);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });
});
