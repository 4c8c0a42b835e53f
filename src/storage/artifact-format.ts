import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ArtifactFormat } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';

/** How an upload is stored: a single file, or a zip unpacked into a directory. */
export type UploadKind = { kind: 'file'; format: ArtifactFormat; storedName: string } | { kind: 'zip' };

const FILE_FORMATS: Record<string, ArtifactFormat> = {
  '.onnx': 'onnx',
  '.plan': 'tensorrt-plan',
  '.engine': 'tensorrt-plan',
};

export const ACCEPTED_EXTENSIONS = ['.onnx', '.zip', '.plan', '.engine'] as const;

/** Decides from the uploaded file name; an unknown extension is a 415. */
export function uploadKindFor(fileName: string): UploadKind {
  const extension = extname(fileName).toLowerCase();
  if (extension === '.zip') return { kind: 'zip' };
  const format = FILE_FORMATS[extension];
  if (!format) {
    throw new ApiError(415, 'UNSUPPORTED_MODEL_FORMAT', `Unsupported model file "${fileName.slice(0, 200)}": expected one of ${ACCEPTED_EXTENSIONS.join(', ')}`);
  }
  return { kind: 'file', format, storedName: `model${extension}` };
}

const MARKERS: Array<{ file: string; format: ArtifactFormat }> = [
  { file: 'model.json', format: 'tfjs' },
  { file: 'saved_model.pb', format: 'savedmodel' },
];

// Archivers add these next to the real content; they never hold a model.
const IGNORED = (name: string) => name.startsWith('.') || name === '__MACOSX';

/**
 * Finds the model inside an unpacked zip: model.json (TF.js) or saved_model.pb (SavedModel) at
 * the root, or inside the single top-level folder most zip tools create.
 */
export async function locateArchiveModel(unpackedDir: string): Promise<{ format: ArtifactFormat; root: string }> {
  const found = await markerIn(unpackedDir);
  if (found) return { format: found, root: unpackedDir };
  const entries = (await readdir(unpackedDir, { withFileTypes: true })).filter((entry) => !IGNORED(entry.name));
  if (entries.length === 1 && entries[0].isDirectory()) {
    const nested = join(unpackedDir, entries[0].name);
    const nestedFormat = await markerIn(nested);
    if (nestedFormat) return { format: nestedFormat, root: nested };
  }
  throw new ApiError(415, 'UNSUPPORTED_MODEL_FORMAT', 'The archive holds neither a TF.js model (model.json) nor a SavedModel (saved_model.pb) at its root or in its single top-level folder');
}

async function markerIn(dir: string): Promise<ArtifactFormat | undefined> {
  const names = new Set((await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name));
  return MARKERS.find((marker) => names.has(marker.file))?.format;
}
