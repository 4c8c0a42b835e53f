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
}

export interface ExtractionReport {
  files: number;
  bytes: number;
}

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

/**
 * Unpacks an uploaded zip while refusing what could hurt the host: entries that escape the
 * target (absolute paths, `..`), symlinks, too many entries, and more inflated bytes than
 * allowed. Bytes are counted as they are inflated, never trusted from the headers, so a zip
 * bomb stops as soon as it crosses the limit.
 */
@Injectable()
export class SafeZipExtractor {
  async extract(zipPath: string, destination: string, limits: ZipLimits): Promise<ExtractionReport> {
    const root = resolve(destination);
    await mkdir(root, { recursive: true });
    const zip = await openZip(zipPath);
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw unsafe('too-many-entries', `The archive holds ${zip.entryCount} entries; at most ${limits.maxEntries} are allowed`);
      }
      const report: ExtractionReport = { files: 0, bytes: 0 };
      const written = new Set<string>();
      let seen = 0;
      for (;;) {
        const entry = await nextEntry(zip);
        if (!entry) break;
        seen += 1;
        if (seen > limits.maxEntries) throw unsafe('too-many-entries', `The archive holds more than ${limits.maxEntries} entries`);
        const target = this.targetPath(root, entry.fileName);
        const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
        if (mode === S_IFLNK) throw unsafe('symlink', `Archive entry is a symbolic link: ${entry.fileName.slice(0, 200)}`);
        if (entry.fileName.endsWith('/')) {
          await mkdir(target, { recursive: true });
          continue;
        }
        if (entry.isEncrypted()) throw corrupt(`entry ${entry.fileName.slice(0, 200)} is encrypted`);
        if (written.has(target)) throw unsafe('duplicate-entry', `Archive holds the same path twice: ${entry.fileName.slice(0, 200)}`);
        written.add(target);
        await mkdir(dirname(target), { recursive: true });
        const stream = await openEntry(zip, entry);
        const budget = limits.maxUnzippedBytes - report.bytes;
        const bytes = await writeCounted(stream, target, budget, limits.maxUnzippedBytes);
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

async function writeCounted(source: Readable, target: string, budget: number, limit: number): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > budget) {
        callback(unsafe('too-large', `The archive inflates to more than ${limit} bytes`));
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
