/**
 * An IOHandler that loads a TF.js model directory (model.json + weight shards) with plain fs
 * reads: file:// loading needs tfjs-node, which the wasm backend does not have.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { EngineError } from '../sdk/index.js';

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: unknown[] }[];
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
  trainingConfig?: unknown;
}

export async function readModelJson(dir: string): Promise<ModelJson> {
  let text: string;
  try {
    text = await readFile(join(dir, 'model.json'), 'utf8');
  } catch {
    throw new EngineError('MODEL_UNREADABLE', 'model.json not found in the model directory');
  }
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (error) {
    throw new EngineError('MODEL_UNREADABLE', `model.json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new EngineError('MODEL_UNREADABLE', 'model.json has no modelTopology');
  }
  if (json.weightsManifest !== undefined && !Array.isArray(json.weightsManifest)) {
    throw new EngineError('MODEL_UNREADABLE', 'model.json weightsManifest must be a list');
  }
  return json;
}

/** True for graph models (converted TF graphs) rather than Keras-style layers models. */
export function isGraphModel(json: ModelJson): boolean {
  return json.format === 'graph-model' || Array.isArray((json.modelTopology as { node?: unknown }).node);
}

function shardPath(dir: string, path: unknown): string {
  if (typeof path !== 'string' || path === '' || isAbsolute(path)) throw new EngineError('MODEL_UNREADABLE', `invalid weight shard path ${JSON.stringify(path)}`);
  const resolved = normalize(join(dir, path));
  if (!resolved.startsWith(normalize(dir) + sep)) throw new EngineError('MODEL_UNREADABLE', `weight shard path escapes the model directory: ${path}`);
  return resolved;
}

export function directoryLoadHandler(dir: string, json: ModelJson) {
  return {
    async load() {
      const groups = json.weightsManifest ?? [];
      const buffers: Buffer[] = [];
      for (const group of groups) {
        if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw new EngineError('MODEL_UNREADABLE', 'malformed weightsManifest group');
        for (const path of group.paths) {
          try {
            buffers.push(await readFile(shardPath(dir, path)));
          } catch (error) {
            if (error instanceof EngineError) throw error;
            throw new EngineError('MODEL_UNREADABLE', `weight shard ${path} is missing`);
          }
        }
      }
      const weightData = new Uint8Array(Buffer.concat(buffers)).buffer;
      return {
        modelTopology: json.modelTopology as object,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
        weightSpecs: groups.flatMap((group) => group.weights) as never[],
        weightData,
        signature: json.signature as object | undefined,
        userDefinedMetadata: json.userDefinedMetadata,
        modelInitializer: json.modelInitializer as object | undefined,
        trainingConfig: json.trainingConfig as never,
      };
    },
  };
}
