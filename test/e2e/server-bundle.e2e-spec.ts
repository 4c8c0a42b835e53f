import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxClassifier, writeTfjsLayersModel, zipDirectory } from '../fixtures/models/index.js';
import { loginAs } from '../helpers/auth.js';
import { freePort, SERVER_BUNDLE, startBundledServer, type ChildServer } from '../helpers/child-server.js';
import { makeDataDir, request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { chelseaPng, coffeePng, imageForm, infer, issueAccessToken, uploadAndDeploy } from '../serving/serving-helpers.js';

/**
 * `npm start` runs the bundled server (dist/server.mjs, see src/tools/bundle-server.ts). The rest of
 * the suite runs the sources in-process, so this spec holds the bundle to the same answers: one
 * server from the sources and one from the bundle, side by side, the same models, the same images.
 */
describe('the bundled production server (dist/server.mjs) answers as the sources do', () => {
  let source: TestApp;
  let bundle: ChildServer;
  let work: string;
  let dataDir: string;
  const tokens: Record<'source' | 'bundle', { admin: string; access: string }> = {} as never;
  const ids: Record<'source' | 'bundle', Record<string, string>> = { source: {}, bundle: {} };
  const labels = ['cat', 'dog', 'cup', 'car', 'tree'];

  beforeAll(async () => {
    expect(existsSync(SERVER_BUNDLE), 'run `npm run build` first (npm test does)').toBe(true);
    work = mkdtempSync(join(tmpdir(), 'bundle-e2e-'));
    dataDir = makeDataDir();
    bundle = await startBundledServer(await freePort(), dataDir, { NODE_ENV: 'production' });
    source = await startTestApp();

    buildOnnxClassifier(join(work, 'classifier.onnx'), { size: 32, classes: 5 });
    await writeTfjsLayersModel(join(work, 'tfjs'), { size: 16, filters: 4, convLayers: 2 });
    const tfjsZip = await zipDirectory(join(work, 'tfjs'), join(work, 'tfjs.zip'));
    for (const [which, url] of [['source', source.url], ['bundle', bundle.url]] as const) {
      const admin = await loginAs(url, TEST_ADMIN.username, TEST_ADMIN.password);
      tokens[which] = { admin, access: await issueAccessToken(url, admin) };
      const classification = { task: 'classification', postprocess: { labels, topK: 3 } };
      ids[which].onnx = await uploadAndDeploy(url, admin, { file: join(work, 'classifier.onnx'), name: 'onnx-classifier', config: classification });
      ids[which].tfjs = await uploadAndDeploy(url, admin, { file: tfjsZip, name: 'tfjs-classifier', config: { task: 'classification' } });
      // A child process per instance: its host script is found beside the module that starts it.
      ids[which].isolated = await uploadAndDeploy(url, admin, { file: join(work, 'classifier.onnx'), name: 'isolated', config: classification, overrides: { isolation: 'process' } });
    }
  });

  afterAll(async () => {
    if (bundle?.child.exitCode === null) {
      const exited = new Promise((resolveExit) => bundle.child.once('exit', resolveExit));
      bundle.child.kill('SIGTERM');
      await exited;
    }
    await source?.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (which: 'source' | 'bundle', path: string, headers: Record<string, string> = {}) =>
    request(`${which === 'source' ? source.url : bundle.url}${path}`, { headers: { 'X-Auth-Token': tokens[which].admin, ...headers } });

  it('finds the same engines, with the same availability and reasons', async () => {
    const [fromSource, fromBundle] = await Promise.all([get('source', '/api/v1/internal/system/engines'), get('bundle', '/api/v1/internal/system/engines')]);
    expect(fromBundle.status).toBe(200);
    expect(fromBundle.body.items).toEqual(fromSource.body.items);
    const available = (fromBundle.body.items as Array<{ name: string; available: boolean }>).filter((engine) => engine.available).map((engine) => engine.name);
    expect(available).toEqual(expect.arrayContaining(['onnxruntime', 'tensorflow']));
  });

  it('gives the same answers for ONNX, TF.js and process-isolated models on real images', async () => {
    for (const model of ['onnx', 'tfjs', 'isolated']) {
      for (const image of [chelseaPng(), coffeePng()]) {
        const [fromSource, fromBundle] = await Promise.all([
          infer(source.url, tokens.source.access, ids.source[model], { body: imageForm([image]) }),
          infer(bundle.url, tokens.bundle.access, ids.bundle[model], { body: imageForm([image]) }),
        ]);
        expect(fromBundle.status, `${model}: ${JSON.stringify(fromBundle.body)}`).toBe(200);
        expect(fromSource.status).toBe(200);
        const predictions = fromBundle.body.results[0].predictions as Array<{ index: number; score: number; label?: string }>;
        expect(predictions.length).toBeGreaterThan(0);
        expect(predictions.map((p) => [p.index, p.label])).toEqual(fromSource.body.results[0].predictions.map((p: { index: number; label?: string }) => [p.index, p.label]));
        predictions.forEach((p, i) => expect(p.score).toBeCloseTo(fromSource.body.results[0].predictions[i].score, 5));
      }
    }
  });

  it('serves the same OpenAPI document, the Swagger UI and its assets, and the console', async () => {
    const [specSource, specBundle] = await Promise.all([get('source', '/docs-json'), get('bundle', '/docs-json')]);
    expect(specBundle.status).toBe(200);
    expect(specBundle.body).toEqual(specSource.body);
    expect((await get('bundle', '/docs')).status).toBe(200);
    const css = await fetch(`${bundle.url}/docs/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect((await css.text()).length).toBeGreaterThan(1000);
    const consolePage = await fetch(`${bundle.url}/`, { headers: { Accept: 'text/html' } });
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<div id=');
  });

  it('logs nothing at warn level or above while booting and serving', () => {
    expect(bundle.output()).toBe('');
  });
});
