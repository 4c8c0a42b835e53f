import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/** Uploads in progress inside a MODEL_STORE_DIR; never a model id (those match safeSegment, which refuses a dot). */
const STORE_TEMP_DIR = '.tmp';

export interface WrittenFile {
  path: string;
  sha256: string;
  sizeBytes: number;
}

/** What boot-time cleanup removed, for the log. */
export interface SweepReport {
  tempEntries: string[];
  modelDirs: string[];
}

/**
 * Owns the model file layout under DATA_DIR:
 *   tmp/<uuid>/                 uploads and unpacking in progress (never trusted after a restart)
 *   models/<modelId>/v<n>/      one complete version, moved here by a single rename
 * A version directory appears only once it is complete, and the database row only after that,
 * so a crash at any point leaves either nothing or an orphan that `sweepOrphans` removes.
 * With MODEL_STORE_DIR the versions live there instead and uploads in progress under its `.tmp/`
 * (the same filesystem, so the rename stays atomic).
 */
@Injectable()
export class ModelFileStorage {
  readonly tempRoot: string;
  readonly modelsRoot: string;

  constructor(config: AppConfig) {
    const store = config.storage.modelStoreDir;
    this.tempRoot = store ? join(store, STORE_TEMP_DIR) : join(config.storage.dataDir, 'tmp');
    this.modelsRoot = store || join(config.storage.dataDir, 'models');
  }

  async ensureLayout(): Promise<void> {
    await mkdir(this.tempRoot, { recursive: true });
    await mkdir(this.modelsRoot, { recursive: true });
  }

  /** A fresh private directory under tmp/ for one upload. */
  async createStagingDir(): Promise<string> {
    await this.ensureLayout();
    const dir = join(this.tempRoot, randomUUID());
    await mkdir(dir);
    return dir;
  }

  /** Streams `source` into `destination`, hashing as it goes, then fsyncs the file. */
  async writeStream(source: Readable, destination: string): Promise<WrittenFile> {
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(source, meter, createWriteStream(destination, { flags: 'wx' }));
    await this.fsync(destination);
    return { path: destination, sha256: hash.digest('hex'), sizeBytes };
  }

  async fsync(path: string): Promise<void> {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  versionDir(modelId: string, version: number): string {
    return join(this.modelsRoot, safeSegment(modelId), `v${version}`);
  }

  /** Moves a finished staging directory into place with one rename (atomic on one filesystem). */
  async promote(stagingDir: string, modelId: string, version: number): Promise<string> {
    const target = this.versionDir(modelId, version);
    await mkdir(join(this.modelsRoot, safeSegment(modelId)), { recursive: true });
    await rename(stagingDir, target);
    await this.fsyncDir(join(this.modelsRoot, safeSegment(modelId)));
    return target;
  }

  /** Path stored in the database: relative to models/, so DATA_DIR may move. */
  toStoredPath(absolute: string): string {
    return relative(this.modelsRoot, absolute).split(sep).join('/');
  }

  fromStoredPath(stored: string): string {
    const absolute = resolve(this.modelsRoot, stored);
    if (!absolute.startsWith(this.modelsRoot + sep)) throw new Error(`stored artifact path escapes the model store: ${stored}`);
    return absolute;
  }

  async removeVersion(modelId: string, version: number): Promise<void> {
    await rm(this.versionDir(modelId, version), { recursive: true, force: true });
  }

  async removeModel(modelId: string): Promise<void> {
    await rm(join(this.modelsRoot, safeSegment(modelId)), { recursive: true, force: true });
  }

  async removeStaging(path: string): Promise<void> {
    const absolute = resolve(path);
    if (!absolute.startsWith(this.tempRoot + sep)) return;
    await rm(absolute, { recursive: true, force: true });
  }

  async exists(path: string): Promise<boolean> {
    return stat(path).then(
      () => true,
      () => false,
    );
  }

  /**
   * Boot-time cleanup: everything under tmp/ is an interrupted upload; a model or version
   * directory without a database row is a rename that happened just before a crash.
   *
   * When other replicas share the store (`untouchedSinceMs`), an entry is only removed once it
   * has not changed since then: anything newer may be another replica's upload in progress, or
   * a version it has just moved into place and is about to record in the database.
   */
  async sweepOrphans(known: Map<string, Set<number>>, options: { untouchedSinceMs?: number } = {}): Promise<SweepReport> {
    await this.ensureLayout();
    const report: SweepReport = { tempEntries: [], modelDirs: [] };
    const removable = async (path: string) => options.untouchedSinceMs === undefined || (await newestChangeMs(path)) < options.untouchedSinceMs;
    for (const entry of await readdir(this.tempRoot)) {
      if (!(await removable(join(this.tempRoot, entry)))) continue;
      await rm(join(this.tempRoot, entry), { recursive: true, force: true });
      report.tempEntries.push(entry);
    }
    for (const modelEntry of await readdir(this.modelsRoot, { withFileTypes: true })) {
      const modelPath = join(this.modelsRoot, modelEntry.name);
      if (modelPath === this.tempRoot) continue;
      const versions = known.get(modelEntry.name);
      if (!versions || !modelEntry.isDirectory()) {
        if (!(await removable(modelPath))) continue;
        await rm(modelPath, { recursive: true, force: true });
        report.modelDirs.push(modelEntry.name);
        continue;
      }
      for (const versionEntry of await readdir(modelPath)) {
        const match = /^v(\d+)$/.exec(versionEntry);
        if (match && versions.has(Number(match[1]))) continue;
        if (!(await removable(join(modelPath, versionEntry)))) continue;
        await rm(join(modelPath, versionEntry), { recursive: true, force: true });
        report.modelDirs.push(`${modelEntry.name}/${versionEntry}`);
      }
    }
    return report;
  }

  /**
   * sha256 of an artifact: a file's content, or for a directory a digest over every file in it
   * (relative path and content hash, in path order), so any changed, missing or extra file shows.
   */
  async digest(path: string): Promise<string> {
    if (!(await stat(path)).isDirectory()) return hashFile(path);
    const lines: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const full = join(dir, entry.name);
        const name = relative(path, full).split(sep).join('/');
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) lines.push(`${name}\0${await hashFile(full)}\n`);
        else lines.push(`${name}\0not-a-file\n`);
      }
    };
    await walk(path);
    return createHash('sha256').update(lines.join('')).digest('hex');
  }

  private async fsyncDir(path: string): Promise<void> {
    // Directory fsync makes the rename durable; some filesystems refuse it, which is harmless.
    await this.fsync(path).catch(() => undefined);
  }
}

/** The latest modification time of a path and, for a directory, of everything in it. */
async function newestChangeMs(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return Number.NEGATIVE_INFINITY;
  let newest = info.mtimeMs;
  if (info.isDirectory()) {
    for (const entry of await readdir(path).catch(() => [] as string[])) newest = Math.max(newest, await newestChangeMs(join(path, entry)));
  }
  return newest;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Model ids are UUIDs we generate; refuse anything that could walk out of models/. */
function safeSegment(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new Error(`unsafe model id for a path: ${value}`);
  return value;
}
