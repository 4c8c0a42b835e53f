import { createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import yauzl from 'yauzl';
import { ApiError } from '../common/api-error.js';

export interface ZipLimits {
  maxEntries: number;
  maxUnzippedBytes: number;
  /** Inflated bytes per archive byte beyond which an archive is a bomb, not a model (see RATIO_FLOOR_BYTES). */
  maxInflationRatio: number;
}

export interface ExtractionReport {
  files: number;
  bytes: number;
}

/** Below this many inflated bytes any ratio is fine: a few MB of zeros harm nobody, and tiny test models compress well. */
export const RATIO_FLOOR_BYTES = 16 * 1024 * 1024;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function unsafe(reason: string, message: string): ApiError {
  return ApiError.badRequest('UNSAFE_ARCHIVE', message, { reason });
}

function corrupt(message: string): ApiError {
  return ApiError.badRequest('INVALID_ARCHIVE', `The archive cannot be read: ${message}`);
}

/** yauzl refuses unsafe names itself; its messages tell us which of its checks fired. */
function classifyYauzlError(error: Error): ApiError {
  if (error instanceof ApiError) return error;
  const message = error.message ?? String(error);
  if (/absolute path|invalid relative path|invalid characters in fileName/.test(message)) {
    return unsafe('path-traversal', `Archive entry escapes the target directory: ${message.split(': ').slice(1).join(': ').slice(0, 200)}`);
  }
  return corrupt(message.slice(0, 200));
}

function exceedsRatio(inflatedBytes: number, archiveBytes: number, ratio: number): boolean {
  return inflatedBytes > RATIO_FLOOR_BYTES && inflatedBytes > ratio * Math.max(1, archiveBytes);
}

function tooInflated(ratio: number): ApiError {
  return unsafe('inflation-ratio', `The archive inflates to more than ${ratio} times its size`);
}

interface PlannedEntry {
  entry: yauzl.Entry;
  target: string;
  directory: boolean;
}

/**
 * Unpacks an uploaded zip while refusing what could hurt the host: entries that escape the
 * target (absolute paths, `..`), symlinks, too many entries, more inflated bytes than allowed,
 * and an absurd inflation ratio. The whole central directory is checked first (names, kinds,
 * declared sizes and ratios), so an archive that announces a bomb writes nothing; then bytes are
 * counted as they are inflated, never trusted from the headers, so one that lies about its sizes
 * stops as soon as it crosses a limit.
 */
@Injectable()
export class SafeZipExtractor {
  async extract(zipPath: string, destination: string, limits: ZipLimits): Promise<ExtractionReport> {
    const root = resolve(destination);
    const zip = await openZip(zipPath);
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw unsafe('too-many-entries', `The archive holds ${zip.entryCount} entries; at most ${limits.maxEntries} are allowed`);
      }
      const plan = await this.plan(zip, root, limits);
      await mkdir(root, { recursive: true });
      const report: ExtractionReport = { files: 0, bytes: 0 };
      for (const { entry, target, directory } of plan) {
        if (directory) {
          await mkdir(target, { recursive: true });
          continue;
        }
        await mkdir(dirname(target), { recursive: true });
        const stream = await openEntry(zip, entry);
        const before = report.bytes;
        const bytes = await writeCounted(stream, target, (inflatedSoFar) => {
          const total = before + inflatedSoFar;
          if (total > limits.maxUnzippedBytes) return unsafe('too-large', `The archive inflates to more than ${limits.maxUnzippedBytes} bytes`);
          if (exceedsRatio(total, zip.fileSize, limits.maxInflationRatio)) return tooInflated(limits.maxInflationRatio);
          return null;
        });
        report.bytes += bytes;
        report.files += 1;
      }
      return report;
    } catch (error) {
      throw classifyYauzlError(error as Error);
    } finally {
      zip.close();
    }
  }

  /** Reads every central-directory entry and refuses the archive before anything is written. */
  private async plan(zip: yauzl.ZipFile, root: string, limits: ZipLimits): Promise<PlannedEntry[]> {
    const plan: PlannedEntry[] = [];
    const targets = new Set<string>();
    let declaredBytes = 0;
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      if (plan.length >= limits.maxEntries) throw unsafe('too-many-entries', `The archive holds more than ${limits.maxEntries} entries`);
      const target = this.targetPath(root, entry.fileName);
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) throw unsafe('symlink', `Archive entry is a symbolic link: ${entry.fileName.slice(0, 200)}`);
      const directory = entry.fileName.endsWith('/');
      if (!directory) {
        if (entry.isEncrypted()) throw corrupt(`entry ${entry.fileName.slice(0, 200)} is encrypted`);
        if (targets.has(target)) throw unsafe('duplicate-entry', `Archive holds the same path twice: ${entry.fileName.slice(0, 200)}`);
        targets.add(target);
        declaredBytes += entry.uncompressedSize;
        if (declaredBytes > limits.maxUnzippedBytes) {
          throw unsafe('too-large', `The archive declares more than ${limits.maxUnzippedBytes} inflated bytes`);
        }
        if (exceedsRatio(entry.uncompressedSize, entry.compressedSize, limits.maxInflationRatio) || exceedsRatio(declaredBytes, zip.fileSize, limits.maxInflationRatio)) {
          throw tooInflated(limits.maxInflationRatio);
        }
      }
      plan.push({ entry, target, directory });
    }
    return plan;
  }

  private targetPath(root: string, fileName: string): string {
    if (fileName.includes('\0') || fileName.includes('\\') || fileName.startsWith('/') || /^[A-Za-z]:/.test(fileName)) {
      throw unsafe('path-traversal', `Archive entry has an unsafe name: ${fileName.slice(0, 200)}`);
    }
    const target = resolve(root, fileName);
    if (target !== root && !target.startsWith(root + sep)) {
      throw unsafe('path-traversal', `Archive entry escapes the target directory: ${fileName.slice(0, 200)}`);
    }
    return target;
  }
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolvePromise, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: true }, (error, zip) => {
      if (error || !zip) reject(classifyYauzlError(error ?? new Error('unreadable zip')));
      else resolvePromise(zip);
    });
  });
}

/** Reads the next central-directory entry, or null at the end. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolvePromise, reject) => {
    const onEntry = (entry: yauzl.Entry) => settle(() => resolvePromise(entry));
    const onEnd = () => settle(() => resolvePromise(null));
    const onError = (error: Error) => settle(() => reject(classifyYauzlError(error)));
    const settle = (action: () => void) => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
      action();
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolvePromise, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) reject(classifyYauzlError(error ?? new Error('unreadable entry')));
      else resolvePromise(stream);
    });
  });
}

/** Writes one entry, asking `overLimit` after every inflated chunk whether to stop (its error) or go on (null). */
async function writeCounted(source: Readable, target: string, overLimit: (inflatedBytes: number) => ApiError | null): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      const refusal = overLimit(bytes);
      if (refusal) {
        callback(refusal);
        return;
      }
      callback(null, chunk);
    },
  });
  await pipeline(source, counter, createWriteStream(target, { flags: 'wx' }));
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return bytes;
}
