import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/common/api-error.js';
import { AppConfig } from '../../src/config/app-config.js';
import { locateArchiveModel, uploadKindFor } from '../../src/storage/artifact-format.js';
import { ModelFileStorage } from '../../src/storage/model-file-storage.js';
import { SafeZipExtractor } from '../../src/storage/safe-zip-extractor.js';
import { writeLyingZipBomb, writeZipBomb, writeZipOf, writeZipSlip, writeZipWithEntries, writeZipWithSymlink } from './storage-zip-builders.js';

const LIMITS = { maxEntries: 100, maxUnzippedBytes: 1024 * 1024, maxInflationRatio: 100 };
/** The defaults' scale: only the ratio stands between a bomb and the disk. */
const GENEROUS = { maxEntries: 100, maxUnzippedBytes: 4 * 1024 ** 3, maxInflationRatio: 100 };

async function apiErrorOf(work: Promise<unknown>): Promise<ApiError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('storage', () => {
  let root: string;
  let storage: ModelFileStorage;
  const extractor = new SafeZipExtractor();

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'modelport-storage-'));
    storage = new ModelFileStorage({ storage: { dataDir: root } } as AppConfig);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe('SafeZipExtractor', () => {
    it('unpacks a normal archive, nested folders included', async () => {
      const zip = await writeZipOf(join(root, 'ok.zip'), { 'm/model.json': '{"a":1}', 'm/group1-shard1of1.bin': Buffer.alloc(100, 7) });
      const report = await extractor.extract(zip, join(root, 'out'), LIMITS);
      expect(report).toEqual({ files: 2, bytes: 107 });
      expect(readFileSync(join(root, 'out/m/model.json'), 'utf8')).toBe('{"a":1}');
      expect(await locateArchiveModel(join(root, 'out'))).toEqual({ format: 'tfjs', root: join(root, 'out/m') });
    });

    it('refuses an entry that climbs out of the target (zip-slip) and writes nothing outside', async () => {
      const zip = await writeZipSlip(join(root, 'slip.zip'));
      const error = await apiErrorOf(extractor.extract(zip, join(root, 'out'), LIMITS));
      expect(error.getStatus()).toBe(400);
      expect(error.code).toBe('UNSAFE_ARCHIVE');
      expect(existsSync(join(root, 'evil.txt'))).toBe(false);
    });

    it('refuses absolute entry names', async () => {
      const zip = await writeZipSlip(join(root, 'abs.zip'), '/tmp/evil.txt');
      const error = await apiErrorOf(extractor.extract(zip, join(root, 'out'), LIMITS));
      expect(error.code).toBe('UNSAFE_ARCHIVE');
      expect(existsSync('/tmp/evil.txt') && readFileSync('/tmp/evil.txt', 'utf8') === 'pwned').toBe(false);
    });

    it('refuses symlinks', async () => {
      const zip = await writeZipWithSymlink(join(root, 'link.zip'));
      const error = await apiErrorOf(extractor.extract(zip, join(root, 'out'), LIMITS));
      expect(error.code).toBe('UNSAFE_ARCHIVE');
      expect(error.details).toEqual({ reason: 'symlink' });
    });

    it('stops a zip bomb once the inflated bytes cross the limit', async () => {
      const zip = await writeZipBomb(join(root, 'bomb.zip'), 50);
      expect(readFileSync(zip).length).toBeLessThan(1024 * 1024);
      const error = await apiErrorOf(extractor.extract(zip, join(root, 'out'), LIMITS));
      expect(error.code).toBe('UNSAFE_ARCHIVE');
      expect(error.details).toEqual({ reason: 'too-large' });
    });

    it('refuses a zip whose central directory declares an absurd inflation ratio before writing anything', async () => {
      const zip = await writeZipBomb(join(root, 'ratio.zip'), 200);
      expect(readFileSync(zip).length).toBeLessThan(1024 * 1024);
      const error = await apiErrorOf(extractor.extract(zip, join(root, 'out'), GENEROUS));
      expect([error.code, error.details]).toEqual(['UNSAFE_ARCHIVE', { reason: 'inflation-ratio' }]);
      expect(existsSync(join(root, 'out'))).toBe(false);
    });

    it('refuses a zip that declares more inflated bytes than allowed before writing anything', async () => {
      const zip = await writeZipBomb(join(root, 'declared.zip'), 2);
      const error = await apiErrorOf(extractor.extract(zip, join(root, 'out'), LIMITS));
      expect([error.code, error.details]).toEqual(['UNSAFE_ARCHIVE', { reason: 'too-large' }]);
      expect(existsSync(join(root, 'out'))).toBe(false);
    });

    it('stops a zip that lies about its sizes as soon as it inflates past them, having written almost nothing', async () => {
      const zip = await writeLyingZipBomb(join(root, 'liar.zip'), 200, 1000);
      const error = await apiErrorOf(extractor.extract(zip, join(root, 'out'), GENEROUS));
      expect(['INVALID_ARCHIVE', 'UNSAFE_ARCHIVE']).toContain(error.code);
      const shard = join(root, 'out', 'group1-shard1of1.bin');
      expect(existsSync(shard) ? readFileSync(shard).length : 0).toBeLessThan(1024 * 1024);
    });

    it('refuses more entries than allowed', async () => {
      const zip = await writeZipWithEntries(join(root, 'many.zip'), 20);
      const error = await apiErrorOf(extractor.extract(zip, join(root, 'out'), { ...LIMITS, maxEntries: 10 }));
      expect(error.code).toBe('UNSAFE_ARCHIVE');
      expect(error.details).toEqual({ reason: 'too-many-entries' });
    });

    it('reports random bytes and truncated archives as INVALID_ARCHIVE', async () => {
      writeFileSync(join(root, 'junk.zip'), Buffer.from('this is not a zip at all, just text'));
      expect((await apiErrorOf(extractor.extract(join(root, 'junk.zip'), join(root, 'out1'), LIMITS))).code).toBe('INVALID_ARCHIVE');
      const good = readFileSync(await writeZipOf(join(root, 'good.zip'), { 'model.json': 'x'.repeat(5000) }));
      writeFileSync(join(root, 'cut.zip'), good.subarray(0, good.length - 30));
      expect((await apiErrorOf(extractor.extract(join(root, 'cut.zip'), join(root, 'out2'), LIMITS))).code).toBe('INVALID_ARCHIVE');
    });
  });

  describe('artifact formats', () => {
    it('maps extensions and refuses others with 415', () => {
      expect(uploadKindFor('net.ONNX')).toEqual({ kind: 'file', format: 'onnx', storedName: 'model.onnx' });
      expect(uploadKindFor('net.engine')).toMatchObject({ format: 'tensorrt-plan' });
      expect(uploadKindFor('bundle.zip')).toEqual({ kind: 'zip' });
      for (const name of ['model.pt', 'model', 'evil.onnx.exe', '']) {
        let caught: ApiError | undefined;
        try {
          uploadKindFor(name);
        } catch (error) {
          caught = error as ApiError;
        }
        expect(caught?.getStatus()).toBe(415);
        expect(caught?.code).toBe('UNSUPPORTED_MODEL_FORMAT');
      }
    });

    it('finds a SavedModel and refuses archives with no model', async () => {
      mkdirSync(join(root, 'sm/variables'), { recursive: true });
      writeFileSync(join(root, 'sm/saved_model.pb'), 'pb');
      expect((await locateArchiveModel(join(root, 'sm'))).format).toBe('savedmodel');
      mkdirSync(join(root, 'none/a'), { recursive: true });
      mkdirSync(join(root, 'none/b'), { recursive: true });
      writeFileSync(join(root, 'none/a/model.json'), '{}');
      expect((await apiErrorOf(locateArchiveModel(join(root, 'none')))).code).toBe('UNSUPPORTED_MODEL_FORMAT');
    });
  });

  describe('ModelFileStorage', () => {
    it('streams with a sha256, promotes by rename and maps stored paths', async () => {
      const staging = await storage.createStagingDir();
      const content = Buffer.alloc(300_000, 3);
      const written = await storage.writeStream(Readable.from([content.subarray(0, 1000), content.subarray(1000)]), join(staging, 'model.onnx'));
      expect(written.sha256).toBe(createHash('sha256').update(content).digest('hex'));
      expect(written.sizeBytes).toBe(300_000);
      const dir = await storage.promote(staging, 'abc-1', 1);
      expect(existsSync(staging)).toBe(false);
      const stored = storage.toStoredPath(join(dir, 'model.onnx'));
      expect(stored).toBe('abc-1/v1/model.onnx');
      expect(storage.fromStoredPath(stored)).toBe(join(root, 'models/abc-1/v1/model.onnx'));
      expect(() => storage.fromStoredPath('../../etc/passwd')).toThrow();
      expect(() => storage.versionDir('../x', 1)).toThrow();
    });

    it('sweeps temp uploads and directories without rows, keeping known versions', async () => {
      await storage.ensureLayout();
      mkdirSync(join(root, 'tmp/half-upload'), { recursive: true });
      writeFileSync(join(root, 'tmp/half-upload/model.onnx'), 'partial');
      for (const dir of ['models/keep/v1', 'models/keep/v2', 'models/ghost/v1']) mkdirSync(join(root, dir), { recursive: true });
      const report = await storage.sweepOrphans(new Map([['keep', new Set([1])]]));
      expect(report.tempEntries).toEqual(['half-upload']);
      expect(report.modelDirs.sort()).toEqual(['ghost', 'keep/v2']);
      expect(readdirSync(join(root, 'tmp'))).toEqual([]);
      expect(readdirSync(join(root, 'models'))).toEqual(['keep']);
      expect(readdirSync(join(root, 'models/keep'))).toEqual(['v1']);
    });

    it('in a shared store, sweeps only leftovers untouched since the cut-off: a newer upload or version of another replica stays', async () => {
      await storage.ensureLayout();
      for (const dir of ['tmp/old-upload', 'tmp/other-replica-upload', 'models/old-ghost/v1', 'models/keep/v1', 'models/keep/v9']) mkdirSync(join(root, dir), { recursive: true });
      const long = new Date('2020-01-01T00:00:00Z');
      for (const dir of ['tmp/old-upload', 'models/old-ghost/v1', 'models/old-ghost']) utimesSync(join(root, dir), long, long);
      // An old directory with a file still being written into it counts as in use.
      mkdirSync(join(root, 'tmp/old-dir-fresh-file'));
      writeFileSync(join(root, 'tmp/old-dir-fresh-file/model.onnx'), 'still arriving');
      utimesSync(join(root, 'tmp/old-dir-fresh-file'), long, long);
      const cutOff = Date.parse('2024-01-01T00:00:00Z');
      const report = await storage.sweepOrphans(new Map([['keep', new Set([1])]]), { untouchedSinceMs: cutOff });
      expect(report.tempEntries).toEqual(['old-upload']);
      expect(report.modelDirs).toEqual(['old-ghost']);
      expect(readdirSync(join(root, 'tmp')).sort()).toEqual(['old-dir-fresh-file', 'other-replica-upload']);
      expect(readdirSync(join(root, 'models/keep')).sort()).toEqual(['v1', 'v9']);
    });

    it('MODEL_STORE_DIR holds the versions and, on the same filesystem, the uploads in progress; the sweep never takes its .tmp for a model', async () => {
      const store = join(root, 'shared-store');
      const shared = new ModelFileStorage({ storage: { dataDir: join(root, 'data'), modelStoreDir: store } } as AppConfig);
      const staging = await shared.createStagingDir();
      expect(staging.startsWith(join(store, '.tmp'))).toBe(true);
      writeFileSync(join(staging, 'model.onnx'), 'x');
      expect(await shared.promote(staging, 'm-1', 1)).toBe(join(store, 'm-1/v1'));
      const report = await shared.sweepOrphans(new Map([['m-1', new Set([1])]]));
      expect(report).toEqual({ tempEntries: [], modelDirs: [] });
      expect(readdirSync(store).sort()).toEqual(['.tmp', 'm-1']);
    });

    it('digests a file by its content and a directory by every file in it', async () => {
      const file = join(root, 'one.onnx');
      writeFileSync(file, 'weights');
      expect(await storage.digest(file)).toBe(createHash('sha256').update('weights').digest('hex'));
      const dir = join(root, 'tree');
      mkdirSync(join(dir, 'sub'), { recursive: true });
      writeFileSync(join(dir, 'model.json'), '{}');
      writeFileSync(join(dir, 'sub/shard1.bin'), 'abc');
      const original = await storage.digest(dir);
      expect(original).toMatch(/^[0-9a-f]{64}$/);
      writeFileSync(join(dir, 'sub/shard1.bin'), 'abd');
      expect(await storage.digest(dir)).not.toBe(original);
      writeFileSync(join(dir, 'sub/shard1.bin'), 'abc');
      expect(await storage.digest(dir)).toBe(original);
      writeFileSync(join(dir, 'extra.bin'), '');
      expect(await storage.digest(dir)).not.toBe(original);
    });
  });
});
