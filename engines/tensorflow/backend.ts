/**
 * Picks the best TF.js backend present, in order: tfjs-node-gpu (CUDA), tfjs-node (native CPU),
 * then tfjs + wasm. Both node packages download libtensorflow at install time, so on hosts
 * without that download they are missing or fail to load; the reasons are kept for the probe.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type TfBackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm';

/** The subset of the tfjs namespace the worker uses; node backends add tf.node. */
export type TfNamespace = typeof import('@tensorflow/tfjs') & { node?: { loadSavedModel(path: string): Promise<any> } };

export interface LoadedBackend {
  tf: TfNamespace;
  name: TfBackendName;
  /** Why each better backend is not in use. */
  reasons: string[];
}

const NODE_BACKENDS: { name: TfBackendName; pkg: string; why: string }[] = [
  { name: 'tfjs-node-gpu', pkg: '@tensorflow/tfjs-node-gpu', why: 'optional dependency; its install downloads libtensorflow with CUDA and needs an NVIDIA GPU' },
  { name: 'tfjs-node', pkg: '@tensorflow/tfjs-node', why: 'not a dependency; its install downloads libtensorflow' },
];

const requireHere = createRequire(import.meta.url);

function packageRoot(pkg: string): string | undefined {
  try {
    return dirname(requireHere.resolve(`${pkg}/package.json`));
  } catch {
    try {
      // Packages whose exports hide package.json: walk up from the entry point.
      for (let dir = dirname(requireHere.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
        if (existsSync(join(dir, 'package.json'))) return dir;
      }
      return undefined;
    } catch {
      return undefined;
    }
  }
}

/** Reads installed package versions without loading the packages. */
export function packageVersion(pkg: string): string | undefined {
  const root = packageRoot(pkg);
  if (!root) return undefined;
  try {
    return (requireHere(join(root, 'package.json')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * What the worker will most likely pick, without loading any backend (boot stays fast): a node
 * backend counts only when its native binding file exists.
 */
export function expectedBackend(): { name: TfBackendName | undefined; reasons: string[] } {
  const reasons: string[] = [];
  for (const backend of NODE_BACKENDS) {
    const root = packageRoot(backend.pkg);
    if (!root) {
      reasons.push(`${backend.pkg} not installed (${backend.why})`);
      continue;
    }
    const hasBinding = existsSync(join(root, 'lib')) && readdirSync(join(root, 'lib'), { recursive: true }).some((file) => String(file).endsWith('tfjs_binding.node'));
    if (hasBinding) return { name: backend.name, reasons };
    reasons.push(`${backend.pkg} installed but its native binding is missing (libtensorflow download failed or install scripts were skipped)`);
  }
  if (!packageRoot('@tensorflow/tfjs') || !packageRoot('@tensorflow/tfjs-backend-wasm')) {
    reasons.push('@tensorflow/tfjs and @tensorflow/tfjs-backend-wasm are not installed');
    return { name: undefined, reasons };
  }
  return { name: 'wasm', reasons };
}

async function importOptional(pkg: string): Promise<TfNamespace> {
  // A variable specifier: these packages are optional and may be absent at compile time.
  return (await import(pkg)) as TfNamespace;
}

/** Loads the best backend that actually works in this thread. */
export async function loadBackend(): Promise<LoadedBackend> {
  const reasons: string[] = [];
  for (const backend of NODE_BACKENDS) {
    try {
      const tf = await importOptional(backend.pkg);
      await tf.ready();
      return { tf, name: backend.name, reasons };
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
      reasons.push(missing ? `${backend.pkg} not installed (${backend.why})` : `${backend.pkg} failed to load: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const tf = (await import('@tensorflow/tfjs')) as TfNamespace;
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  return { tf, name: 'wasm', reasons };
}
