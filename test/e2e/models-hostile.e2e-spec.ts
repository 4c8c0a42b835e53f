import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAndLogin, loginAs } from '../helpers/auth.js';
import { request, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { buildOnnxAdd, writeTfjsLayersModel, zipDirectory } from '../fixtures/models/index.js';
import { writeZipBomb, writeZipSlip, writeZipWithSymlink } from '../medium/storage-zip-builders.js';
import { MODELS, modelAction, uploadModel } from './models-helpers.js';

const MAX_MODEL_BYTES = 200_000;

describe('model uploads: hostile input (e2e)', () => {
  let t: TestApp;
  let token: string;
  let work: string;
  let onnxPath: string;

  beforeAll(async () => {
    t = await startTestApp({ MAX_MODEL_BYTES: String(MAX_MODEL_BYTES), MAX_UNZIPPED_BYTES: String(1024 * 1024), MAX_ZIP_ENTRIES: '50' });
    token = await loginAs(t.url, TEST_ADMIN.username, TEST_ADMIN.password);
    work = mkdtempSync(join(tmpdir(), 'modelport-hostile-'));
    onnxPath = buildOnnxAdd(join(work, 'add.onnx')).path;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Nothing half-written may remain: no temp entries and no model directory for a refused upload. */
  function expectNoLeftovers(): void {
    expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(t.dataDir, 'models'))).toEqual([]);
  }

  async function expectError(promise: Promise<{ status: number; body: any }>, status: number, code: string) {
    const response = await promise;
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.requestId).toBeTruthy();
    return response.body.error;
  }

  it('refuses an empty file', async () => {
    await expectError(uploadModel(t.url, token, { file: Buffer.alloc(0), filename: 'empty.onnx', name: 'empty' }), 400, 'EMPTY_FILE');
    expectNoLeftovers();
  });

  it('refuses a form without a file part', async () => {
    await expectError(uploadModel(t.url, token, { name: 'no-file' }), 400, 'FILE_REQUIRED');
  });

  it('refuses an unknown extension with 415', async () => {
    await expectError(uploadModel(t.url, token, { file: onnxPath, filename: 'model.pt', name: 'torch' }), 415, 'UNSUPPORTED_MODEL_FORMAT');
    expectNoLeftovers();
  });

  it('refuses a body that is not multipart with 415', async () => {
    await expectError(request(`${t.url}${MODELS}`, { method: 'POST', headers: { 'X-Auth-Token': token }, json: { name: 'x' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(request(`${t.url}${MODELS}`, { method: 'POST', headers: { 'X-Auth-Token': token, 'content-type': 'application/octet-stream' }, body: Buffer.from('abc') }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a file over MAX_MODEL_BYTES with 413 and leaves no temp file', async () => {
    await expectError(uploadModel(t.url, token, { file: Buffer.alloc(MAX_MODEL_BYTES * 3, 1), filename: 'big.onnx', name: 'big' }), 413, 'PAYLOAD_TOO_LARGE');
    expectNoLeftovers();
  });

  it('refuses config that is not JSON, has unknown keys or wrong types, naming the field', async () => {
    const notJson = await expectError(uploadModel(t.url, token, { file: onnxPath, name: 'cfg1', config: '{"task": ' }), 400, 'INVALID_MODEL_CONFIG');
    expect(notJson.details).toEqual({ field: 'config' });
    const unknownKey = await expectError(uploadModel(t.url, token, { file: onnxPath, name: 'cfg2', config: { tsk: 'raw' } }), 400, 'INVALID_MODEL_CONFIG');
    expect(unknownKey.details.field).toBe('tsk');
    const wrongType = await expectError(uploadModel(t.url, token, { file: onnxPath, name: 'cfg3', config: { batching: { maxBatchSize: 0 } } }), 400, 'INVALID_MODEL_CONFIG');
    expect(wrongType.details).toEqual({ field: 'batching.maxBatchSize' });
    const badEngine = await expectError(uploadModel(t.url, token, { file: onnxPath, name: 'cfg4', config: { engine: 'tensorflow' } }), 400, 'INVALID_MODEL_CONFIG');
    expect(badEngine.details).toEqual({ field: 'engine' });
    expectNoLeftovers();
  });

  it('refuses missing, blank and over-long names, and duplicates', async () => {
    await expectError(uploadModel(t.url, token, { file: onnxPath }), 400, 'VALIDATION_FAILED');
    await expectError(uploadModel(t.url, token, { file: onnxPath, name: '   ' }), 400, 'VALIDATION_FAILED');
    await expectError(uploadModel(t.url, token, { file: onnxPath, name: 'n'.repeat(101) }), 400, 'VALIDATION_FAILED');
    expectNoLeftovers();
    const first = await uploadModel(t.url, token, { file: onnxPath, name: 'n'.repeat(100) });
    expect(first.status).toBe(201);
    await expectError(uploadModel(t.url, token, { file: onnxPath, name: 'n'.repeat(100) }), 409, 'MODEL_NAME_TAKEN');
    expect(readdirSync(join(t.dataDir, 'models'))).toEqual([first.body.id]);
    expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([]);
    expect((await modelAction(t.url, token, `/${first.body.id}`, undefined, 'DELETE')).status).toBe(204);
  });

  it('answers malformed multipart bodies with 4xx, never 500', async () => {
    const send = (contentType: string, body: string) => request(`${t.url}${MODELS}`, { method: 'POST', headers: { 'X-Auth-Token': token, 'content-type': contentType }, body });
    for (const [contentType, body] of [
      ['multipart/form-data; boundary=abc', 'garbage without any boundary'],
      ['multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\n\r\nhalf a file'],
      ['multipart/form-data', '--abc\r\n'],
    ]) {
      const response = await send(contentType, body);
      expect(response.status, `${contentType} ${JSON.stringify(response.body)}`).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body.error.code).toMatch(/^[A-Z_]+$/);
    }
    expectNoLeftovers();
  });

  it('lets exactly one of two simultaneous uploads with the same name win', async () => {
    const results = await Promise.all([1, 2].map(() => uploadModel(t.url, token, { file: onnxPath, name: 'race' })));
    expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
    const winner = results.find((result) => result.status === 201)!;
    expect(readdirSync(join(t.dataDir, 'models'))).toEqual([winner.body.id]);
    expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([]);
    await modelAction(t.url, token, `/${winner.body.id}`, undefined, 'DELETE');
  });

  it('cleans up when the client aborts mid-upload', async () => {
    const boundary = '----modelport-abort';
    const upload = httpRequest(`${t.url}${MODELS}`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(10 * 1024 * 1024) },
    });
    upload.on('error', () => undefined);
    upload.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="abort.onnx"\r\n\r\n`);
    upload.write(Buffer.alloc(64 * 1024, 9));
    const deadline = Date.now() + 10_000;
    while (readdirSync(join(t.dataDir, 'tmp')).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readdirSync(join(t.dataDir, 'tmp')).length).toBe(1);
    upload.destroy();
    while (readdirSync(join(t.dataDir, 'tmp')).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expectNoLeftovers();
    // The server is still healthy afterwards.
    expect((await uploadModel(t.url, token, { file: onnxPath, name: 'after-abort' })).status).toBe(201);
  });

  it('refuses renaming a model to a name another model holds', async () => {
    const list = await request(`${t.url}${MODELS}?search=after-abort`, { headers: { 'X-Auth-Token': token } });
    const other = await uploadModel(t.url, token, { file: onnxPath, name: 'rename-me' });
    await expectError(modelAction(t.url, token, `/${other.body.id}`, { name: 'after-abort' }, 'PATCH'), 409, 'MODEL_NAME_TAKEN');
    await expectError(modelAction(t.url, token, `/${other.body.id}`, { name: '' }, 'PATCH'), 400, 'VALIDATION_FAILED');
    const renamed = await modelAction(t.url, token, `/${other.body.id}`, { name: 'renamed' }, 'PATCH');
    expect(renamed.body.name).toBe('renamed');
    for (const id of [other.body.id, list.body.items[0].id]) expect((await modelAction(t.url, token, `/${id}`, undefined, 'DELETE')).status).toBe(204);
  });

  it('refuses two file parts and oversized form fields', async () => {
    const form = new FormData();
    form.append('name', 'two-files');
    form.append('file', new Blob([new Uint8Array(Buffer.from('a'))]), 'a.onnx');
    form.append('file', new Blob([new Uint8Array(Buffer.from('b'))]), 'b.onnx');
    await expectError(request(`${t.url}${MODELS}`, { method: 'POST', headers: { 'X-Auth-Token': token }, body: form }), 400, 'MULTIPLE_FILES');
    await expectError(uploadModel(t.url, token, { file: onnxPath, name: 'huge-config', description: 'd'.repeat(2 * 1024 * 1024) }), 400, 'FIELD_TOO_LARGE');
    expectNoLeftovers();
  });

  it('refuses a zip-slip archive and writes nothing outside', async () => {
    const zip = await writeZipSlip(join(work, 'slip.zip'));
    await expectError(uploadModel(t.url, token, { file: zip, name: 'slip' }), 400, 'UNSAFE_ARCHIVE');
    expectNoLeftovers();
    expect(readdirSync(t.dataDir)).not.toContain('evil.txt');
  });

  it('refuses an archive with a symlink', async () => {
    const zip = await writeZipWithSymlink(join(work, 'link.zip'));
    await expectError(uploadModel(t.url, token, { file: zip, name: 'link' }), 400, 'UNSAFE_ARCHIVE');
    expectNoLeftovers();
  });

  it('stops a zip bomb (50 MB of zeros) at MAX_UNZIPPED_BYTES', async () => {
    const zip = await writeZipBomb(join(work, 'bomb.zip'), 50);
    const error = await expectError(uploadModel(t.url, token, { file: zip, name: 'bomb' }), 400, 'UNSAFE_ARCHIVE');
    expect(error.details).toEqual({ reason: 'too-large' });
    expectNoLeftovers();
  });

  it('with the default 4 GiB MAX_UNZIPPED_BYTES, refuses a 200 MB-of-zeros zip for its inflation ratio, leaving nothing in tmp', async () => {
    const defaults = await startTestApp();
    try {
      const admin = await loginAs(defaults.url, TEST_ADMIN.username, TEST_ADMIN.password);
      const zip = await writeZipBomb(join(work, 'ratio-bomb.zip'), 200);
      const error = await expectError(uploadModel(defaults.url, admin, { file: zip, name: 'ratio-bomb' }), 400, 'UNSAFE_ARCHIVE');
      expect(error.details).toEqual({ reason: 'inflation-ratio' });
      expect(readdirSync(join(defaults.dataDir, 'tmp'))).toEqual([]);
      expect(readdirSync(join(defaults.dataDir, 'models'))).toEqual([]);
    } finally {
      await defaults.close();
    }
  });

  it('refuses corrupt zips and zips with no model', async () => {
    await expectError(uploadModel(t.url, token, { file: Buffer.from('PK\u0003\u0004 garbage'), filename: 'broken.zip', name: 'broken' }), 400, 'INVALID_ARCHIVE');
    const dir = join(work, 'empty-dir');
    await writeTfjsLayersModel(join(dir, 'a'));
    await writeTfjsLayersModel(join(dir, 'b'));
    await expectError(uploadModel(t.url, token, { file: await zipDirectory(dir, join(work, 'two.zip')), name: 'two' }), 415, 'UNSUPPORTED_MODEL_FORMAT');
    expectNoLeftovers();
  });

  it('lets a viewer read but not upload or deploy', async () => {
    const viewer = await createUserAndLogin(t.url, token, 'viewer');
    await expectError(uploadModel(t.url, viewer.token, { file: onnxPath, name: 'by-viewer' }), 403, 'FORBIDDEN');
    expect((await request(`${t.url}${MODELS}`, { headers: { 'X-Auth-Token': viewer.token } })).status).toBe(200);
    const unauthenticated = await uploadModel(t.url, '', { file: onnxPath, name: 'anon' });
    expect(unauthenticated.status).toBe(401);
    expectNoLeftovers();
  });

  it('answers unknown ids and versions with 404s and bad list filters with 400', async () => {
    await expectError(request(`${t.url}${MODELS}/nope`, { headers: { 'X-Auth-Token': token } }), 404, 'MODEL_NOT_FOUND');
    await expectError(modelAction(t.url, token, '/nope/deploy'), 404, 'MODEL_NOT_FOUND');
    const created = await uploadModel(t.url, token, { file: onnxPath, name: 'versions-404' });
    await expectError(modelAction(t.url, token, `/${created.body.id}/versions/7/activate`), 404, 'VERSION_NOT_FOUND');
    await expectError(modelAction(t.url, token, `/${created.body.id}/versions/abc/activate`), 404, 'VERSION_NOT_FOUND');
    await expectError(modelAction(t.url, token, `/${created.body.id}/deploy`, { instances: 0 }), 400, 'VALIDATION_FAILED');
    await expectError(modelAction(t.url, token, `/${created.body.id}/deploy`, { engine: 'x' }), 400, 'VALIDATION_FAILED');
    await expectError(request(`${t.url}${MODELS}?status=bogus`, { headers: { 'X-Auth-Token': token } }), 400, 'VALIDATION_FAILED');
    await expectError(request(`${t.url}${MODELS}?limit=100000`, { headers: { 'X-Auth-Token': token } }), 400, 'VALIDATION_FAILED');
    await modelAction(t.url, token, `/${created.body.id}`, undefined, 'DELETE');
  });
});
