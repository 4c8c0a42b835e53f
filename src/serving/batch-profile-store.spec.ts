import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { choose } from './batch-profile.js';
import { BatchProfileKey, batchProfileKeyDigest, FileBatchProfileStore } from './batch-profile-store.js';

const key: BatchProfileKey = {
  artifactSha256: 'a'.repeat(64),
  engine: 'onnxruntime',
  engineVersion: '1.30.0',
  backend: 'cpu',
  isolation: 'thread',
  cpuModel: 'Some CPU @ 3.0GHz',
  cores: 2,
  intraOpThreads: 1,
  interOpThreads: 1,
  limit: 8,
  inputShapes: { images: [1, 3, 640, 640] },
};

const profile = choose([
  { batchSize: 1, ms: 100, msPerItem: 100 },
  { batchSize: 2, ms: 150, msPerItem: 75 },
  { batchSize: 4, ms: 280, msPerItem: 70 },
]);

describe('FileBatchProfileStore', () => {
  let directory: string;
  let store: FileBatchProfileStore;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'batch-profile-store-'));
    store = new FileBatchProfileStore(join(directory, 'cache', 'batch-profiles'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const fileOf = (of: BatchProfileKey) => join(directory, 'cache', 'batch-profiles', `${batchProfileKeyDigest(of)}.json`);

  it('keeps a profile by key (creating its directory) and gives it back, with the choice made again from the points', async () => {
    expect(await store.get(key)).toBeUndefined();
    await store.put(key, profile);
    expect(await store.get(key)).toEqual(profile);
    // Written under a temporary name, then renamed: nothing else is left in the directory.
    expect(readdirSync(join(directory, 'cache', 'batch-profiles'))).toEqual([`${batchProfileKeyDigest(key)}.json`]);
    // A second store on the same directory (a restart) sees it.
    expect(await new FileBatchProfileStore(join(directory, 'cache', 'batch-profiles')).get(key)).toEqual(profile);
  });

  it('misses when any part of the key changes', async () => {
    await store.put(key, profile);
    const variants: BatchProfileKey[] = [
      { ...key, artifactSha256: 'b'.repeat(64) },
      { ...key, engine: 'tensorflow' },
      { ...key, engineVersion: '1.31.0' },
      { ...key, backend: 'cuda' },
      { ...key, isolation: 'process' },
      { ...key, cpuModel: 'Another CPU' },
      { ...key, cores: 4 },
      { ...key, intraOpThreads: 2 },
      { ...key, interOpThreads: 2 },
      { ...key, limit: 4 },
      { ...key, inputShapes: { images: [1, 3, 320, 320] } },
      { ...key, inputShapes: { pixels: [1, 3, 640, 640] } },
    ];
    const digests = new Set([batchProfileKeyDigest(key), ...variants.map(batchProfileKeyDigest)]);
    expect(digests.size).toBe(variants.length + 1);
    for (const variant of variants) expect(await store.get(variant)).toBeUndefined();
    expect(await store.get(key)).toEqual(profile);
  });

  it('digests a key the same whatever the order of its fields and inputs', () => {
    const twoInputs = { ...key, inputShapes: { a: [1, 2], b: [3] } };
    const reordered = Object.fromEntries(Object.entries({ ...twoInputs, inputShapes: { b: [3], a: [1, 2] } }).reverse()) as unknown as BatchProfileKey;
    expect(batchProfileKeyDigest(reordered)).toBe(batchProfileKeyDigest(twoInputs));
  });

  it('ignores a corrupt, truncated, foreign or implausible file instead of failing', async () => {
    await store.put(key, profile);
    const file = fileOf(key);
    const whole = readFileSync(file, 'utf8');
    const stored = JSON.parse(whole);
    const bad = [
      'not json at all',
      whole.slice(0, whole.length / 2),
      '',
      'null',
      '[]',
      JSON.stringify({ ...stored, format: 99 }),
      JSON.stringify({ ...stored, key: { ...key, cores: 64 } }),
      JSON.stringify({ ...stored, key: { ...key, inputShapes: undefined } }),
      JSON.stringify({ ...stored, points: [] }),
      JSON.stringify({ ...stored, points: 'many' }),
      JSON.stringify({ ...stored, points: [{ batchSize: 2, ms: 1, msPerItem: 0.5 }] }),
      JSON.stringify({ ...stored, points: [{ batchSize: 1, ms: -1, msPerItem: -1 }] }),
      JSON.stringify({ ...stored, points: [{ batchSize: 1, ms: 1, msPerItem: 1 }, { batchSize: 64, ms: 2, msPerItem: 0.03 }] }),
      JSON.stringify({ ...stored, points: [{ batchSize: 1.5, ms: 1, msPerItem: 1 }] }),
    ];
    for (const text of bad) {
      writeFileSync(file, text);
      expect(await store.get(key), text).toBeUndefined();
    }
    // A good write replaces the bad file.
    await store.put(key, profile);
    expect(await store.get(key)).toEqual(profile);
  });

  it('misses (and does not throw) when the cache path cannot be read', async () => {
    writeFileSync(join(directory, 'cache'), 'a file where the directory should be');
    expect(await store.get(key)).toBeUndefined();
    await expect(store.put(key, profile)).rejects.toThrow();
  });
});
