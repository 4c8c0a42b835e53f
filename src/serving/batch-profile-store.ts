import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchProfile, BatchProfilePoint, CALLS_PER_SIZE, choose } from './batch-profile.js';
import type { ExecutionContext } from './instance-loader.js';

/**
 * Everything a batch profile's numbers depend on. Two deployments with equal keys would measure
 * the same thing, so the second may reuse the first's measurement instead of spending engine
 * calls on it (seconds for a 640×640 model, on every boot).
 */
export interface BatchProfileKey extends ExecutionContext {
  /** sha256 of the artifact as stored: a new upload, even under the same name, is measured anew. */
  artifactSha256: string;
  /** The largest batch size the profile was allowed to try. */
  limit: number;
  /** The shape of every input of the dummy row the profile ran (image sides, dynamic dims). */
  inputShapes: Record<string, number[]>;
}

/**
 * A stable digest of a key: field order and the order of inputShapes' names do not matter. The
 * measuring method (calls per size) is part of it, so a profile measured another way is a miss.
 */
export function batchProfileKeyDigest(key: BatchProfileKey): string {
  return createHash('sha256').update(`calls-per-size=${CALLS_PER_SIZE}\n`).update(canonicalKey(key)).digest('hex');
}

function canonicalKey(key: BatchProfileKey): string {
  const inputShapes = Object.fromEntries(Object.keys(key.inputShapes).sort().map((name) => [name, key.inputShapes[name]]));
  const ordered = Object.fromEntries(
    Object.keys(key)
      .sort()
      .map((field) => [field, field === 'inputShapes' ? inputShapes : key[field as keyof BatchProfileKey]]),
  );
  return JSON.stringify(ordered);
}

/**
 * Batch profiles measured earlier, by key. A port so the deployment manager's tests keep them in
 * memory. `get` never throws: anything it cannot trust is a miss, and the caller measures again.
 */
export abstract class BatchProfileStore {
  abstract get(key: BatchProfileKey): Promise<BatchProfile | undefined>;
  abstract put(key: BatchProfileKey, profile: BatchProfile): Promise<void>;
}

/** Keeps nothing: every deploy measures. */
export class NoBatchProfileStore extends BatchProfileStore {
  async get(): Promise<BatchProfile | undefined> {
    return undefined;
  }
  async put(): Promise<void> {}
}

const FILE_FORMAT = 1;

interface StoredProfile {
  format: number;
  key: BatchProfileKey;
  points: BatchProfilePoint[];
}

/**
 * One small JSON file per key under a directory of DATA_DIR (cache/batch-profiles), named by the
 * key's digest. Files rather than a table: the cache is derived data of this host (the key names
 * its CPU), so it must not travel in a shared database to replicas on other machines, and
 * deleting the directory is a safe reset. A file is written to a temporary name and renamed, so
 * a reader sees a whole file or none; a torn or edited one fails validation and is measured again.
 */
export class FileBatchProfileStore extends BatchProfileStore {
  private readonly logger = new Logger('BatchProfileStore');

  constructor(private readonly directory: string) {
    super();
  }

  async get(key: BatchProfileKey): Promise<BatchProfile | undefined> {
    const file = this.fileOf(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn({ msg: 'Could not read a cached batch profile; measuring again', file, error: (error as Error).message });
      return undefined;
    }
    const points = storedPoints(text, key);
    if (!points) {
      this.logger.warn({ msg: 'Ignored an invalid cached batch profile; measuring again', file });
      return undefined;
    }
    // The choice is recomputed from the measurements, so a change of the rule applies to old files too.
    return choose(points);
  }

  async put(key: BatchProfileKey, profile: BatchProfile): Promise<void> {
    const file = this.fileOf(key);
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const stored: StoredProfile = { format: FILE_FORMAT, key, points: profile.points };
    await mkdir(this.directory, { recursive: true });
    try {
      await writeFile(temporary, `${JSON.stringify(stored)}\n`, { flag: 'wx' });
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  private fileOf(key: BatchProfileKey): string {
    return join(this.directory, `${batchProfileKeyDigest(key)}.json`);
  }
}

/** The measured points of a stored profile, or undefined when the text is not one for exactly `key`. */
function storedPoints(text: string, key: BatchProfileKey): BatchProfilePoint[] | undefined {
  let stored: Partial<StoredProfile>;
  try {
    stored = JSON.parse(text) as Partial<StoredProfile>;
  } catch {
    return undefined;
  }
  if (typeof stored !== 'object' || stored === null || stored.format !== FILE_FORMAT) return undefined;
  // The digest names the file; comparing the whole key also refuses a file copied under another name.
  if (!sameKey(stored.key, key)) return undefined;
  const points = stored.points;
  if (!Array.isArray(points) || points.length === 0 || !points.every((point) => isPoint(point, key.limit))) return undefined;
  if (points[0].batchSize !== 1) return undefined;
  return points.map(({ batchSize, ms, msPerItem }) => ({ batchSize, ms, msPerItem }));
}

function sameKey(stored: unknown, key: BatchProfileKey): boolean {
  if (typeof stored !== 'object' || stored === null) return false;
  const shapes = (stored as Partial<BatchProfileKey>).inputShapes;
  if (typeof shapes !== 'object' || shapes === null) return false;
  return canonicalKey(stored as BatchProfileKey) === canonicalKey(key);
}

function isPoint(point: unknown, limit: number): point is BatchProfilePoint {
  if (typeof point !== 'object' || point === null) return false;
  const { batchSize, ms, msPerItem } = point as Record<string, unknown>;
  const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
  return Number.isInteger(batchSize) && (batchSize as number) >= 1 && (batchSize as number) <= Math.max(1, limit) && finite(ms) && finite(msPerItem);
}
