/**
 * Finds engine folders on disk and imports their factories. Kept apart from the registry so the
 * discovery rules (which folders count, which file to import) read in one place.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineFactory } from '../../engines/sdk/index.js';

/** `engines/` beside `src/`: the same relative step works from `src/engines` and `dist/src/engines`. */
export function defaultEnginesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'engines');
}

export interface EngineCandidate {
  folder: string;
  entry: string;
}

/** Every sub-folder with an index.js (compiled) or index.ts (source), except the contract folder. */
export function findEngineFolders(root: string): EngineCandidate[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'sdk' && !entry.name.startsWith('.'))
    .map((entry) => {
      const folder = join(root, entry.name);
      const entryFile = ['index.js', 'index.ts'].map((file) => join(folder, file)).find((file) => existsSync(file));
      return entryFile ? { folder, entry: entryFile } : undefined;
    })
    .filter((candidate): candidate is EngineCandidate => candidate !== undefined)
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

export async function importEngineFactory(entry: string): Promise<EngineFactory> {
  const module = (await import(pathToFileURL(entry).href)) as { createEngine?: unknown };
  if (typeof module.createEngine !== 'function') throw new Error('does not export a createEngine factory');
  return module.createEngine as EngineFactory;
}
