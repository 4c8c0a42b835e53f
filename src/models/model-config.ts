import { z } from 'zod';
import { deploymentOverridesSchema, modelConfigSchema } from './model-config.schema.js';
import type { ModelSignature, TensorSpec } from '../../engines/sdk/index.js';
import { isDynamicDim } from '../../engines/sdk/index.js';

export { batchingSchema, deploymentOverridesSchema, isolationSchema, modelConfigSchema, postprocessSchema, preprocessSchema, queueSchema, residencySchema } from './model-config.schema.js';

export type ModelConfig = z.infer<typeof modelConfigSchema>;

export type DeploymentOverrides = z.infer<typeof deploymentOverridesSchema>;

export type ModelTask = 'classification' | 'detection' | 'raw';

export interface ResolvedPreprocess {
  input: string;
  width: number;
  height: number;
  layout: 'NCHW' | 'NHWC';
  resize: 'stretch' | 'letterbox' | 'crop';
  padValue: number;
  colorOrder: 'RGB' | 'BGR';
  dtype: 'float32' | 'uint8';
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export type DetectionFormat = 'yolov5' | 'yolov8' | 'xyxy';

export interface ResolvedPostprocess {
  labels: string[];
  topK: number;
  softmax: boolean | 'auto';
  format: DetectionFormat;
  output?: string;
  scoreThreshold: number;
  iouThreshold: number;
  maxDetections: number;
}

/** Everything serving needs, with every default applied. */
export interface ResolvedModelConfig {
  task: ModelTask;
  /** null when the model has no image-like input (tensor-only serving). */
  preprocess: ResolvedPreprocess | null;
  postprocess: ResolvedPostprocess;
  /**
   * maxBatchSize bounds the rows of one engine call (and so of one request); batchTarget, set from
   * the deploy-time batch profile, is how many rows the batcher groups on its own initiative.
   */
  batching: { maxBatchSize: number; maxQueueDelayMs: number; preferredBatchSizes: number[]; batchTarget?: number };
  queue: { maxSize: number; timeoutMs: number };
  instances: number;
  residency: ResolvedResidency;
  isolation: 'thread' | 'process';
  /** 0 = no limit. */
  maxMemoryMb: number;
}

export interface ResolvedResidency {
  mode: 'pinned' | 'on-demand';
  /** 0 = unloaded only under memory pressure (or by hand); always 0 for pinned models. */
  idleUnloadSeconds: number;
}

/** On-demand models unload after ten idle minutes unless told otherwise. */
export const DEFAULT_IDLE_UNLOAD_SECONDS = 600;

export function resolveResidency(residency: ModelConfig['residency']): ResolvedResidency {
  const mode = residency?.mode ?? 'pinned';
  return { mode, idleUnloadSeconds: mode === 'pinned' ? 0 : residency?.idleUnloadSeconds ?? DEFAULT_IDLE_UNLOAD_SECONDS };
}

export class ModelConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ModelConfigError';
  }
}

/** Parses the raw JSON text of the `config` field; throws ModelConfigError naming the field. */
export function parseModelConfig(raw: unknown): ModelConfig {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ModelConfigError('config', 'config is not valid JSON');
    }
  }
  if (value === undefined || value === null) return {};
  const result = modelConfigSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.join(',') ?? 'config' : 'config';
    throw new ModelConfigError(field, `${field}: ${issue.message}`);
  }
  return result.data;
}

/** A 4-D input with 1 or 3 channels in position 1 (NCHW) or 3 (NHWC) looks like an image. */
function imageLayoutOf(spec: TensorSpec): 'NCHW' | 'NHWC' | null {
  if (spec.shape.length !== 4) return null;
  const channelsAt = (index: number) => spec.shape[index] === 3 || spec.shape[index] === 1;
  if (channelsAt(1) && !channelsAt(3)) return 'NCHW';
  if (channelsAt(3) && !channelsAt(1)) return 'NHWC';
  if (channelsAt(1)) return 'NCHW';
  return null;
}

function fixedDim(dim: TensorSpec['shape'][number] | undefined): number | undefined {
  return dim === undefined || isDynamicDim(dim) ? undefined : (dim as number);
}

/**
 * Applies defaults against the model's signature. Throws ModelConfigError when the config
 * contradicts the model (e.g. preprocess.input names no input, or sizes cannot be known).
 */
export function resolveModelConfig(config: ModelConfig, signature: ModelSignature): ResolvedModelConfig {
  const task: ModelTask = config.task ?? 'raw';
  const pre = config.preprocess ?? {};
  let preprocess: ResolvedPreprocess | null = null;

  const inputSpec = pre.input
    ? signature.inputs.find((input) => input.name === pre.input)
    : signature.inputs.length === 1 || signature.inputs.filter((input) => imageLayoutOf(input)).length === 1
      ? signature.inputs.find((input) => imageLayoutOf(input)) ?? undefined
      : undefined;
  if (pre.input && !inputSpec) {
    throw new ModelConfigError('preprocess.input', `preprocess.input "${pre.input}" is not an input of the model (inputs: ${signature.inputs.map((i) => i.name).join(', ')})`);
  }
  if (inputSpec) {
    const layout = pre.layout ?? imageLayoutOf(inputSpec) ?? 'NCHW';
    const [heightIndex, widthIndex] = layout === 'NCHW' ? [2, 3] : [1, 2];
    const height = pre.height ?? fixedDim(inputSpec.shape[heightIndex]);
    const width = pre.width ?? fixedDim(inputSpec.shape[widthIndex]);
    if (height === undefined || width === undefined) {
      throw new ModelConfigError('preprocess.width', 'the model has dynamic spatial dimensions: set preprocess.width and preprocess.height');
    }
    const signatureDtype = inputSpec.dtype === 'uint8' ? 'uint8' : 'float32';
    preprocess = {
      input: inputSpec.name,
      width,
      height,
      layout,
      resize: pre.resize ?? 'stretch',
      padValue: pre.padValue ?? 0,
      colorOrder: pre.colorOrder ?? 'RGB',
      dtype: pre.dtype ?? signatureDtype,
      scale: pre.scale ?? (signatureDtype === 'uint8' ? 1 : 1 / 255),
      mean: (pre.mean as [number, number, number] | undefined) ?? [0, 0, 0],
      std: (pre.std as [number, number, number] | undefined) ?? [1, 1, 1],
    };
  } else if (config.preprocess) {
    throw new ModelConfigError('preprocess.input', 'the model has no single image-like input: set preprocess.input');
  }

  const post = config.postprocess ?? {};
  if (post.output && !signature.outputs.some((output) => output.name === post.output)) {
    throw new ModelConfigError('postprocess.output', `postprocess.output "${post.output}" is not an output of the model (outputs: ${signature.outputs.map((o) => o.name).join(', ')})`);
  }
  const batching = config.batching ?? {};
  const maxBatchSize = batching.maxBatchSize ?? 8;
  const preferred = (batching.preferredBatchSizes ?? []).filter((size) => size <= maxBatchSize).sort((a, b) => a - b);
  return {
    task,
    preprocess,
    postprocess: {
      labels: post.labels ?? [],
      topK: post.topK ?? 5,
      softmax: post.softmax ?? 'auto',
      format: post.format ?? 'yolov8',
      scoreThreshold: post.scoreThreshold ?? 0.25,
      iouThreshold: post.iouThreshold ?? 0.45,
      maxDetections: post.maxDetections ?? 300,
      output: post.output,
    },
    batching: { maxBatchSize, maxQueueDelayMs: batching.maxQueueDelayMs ?? 0, preferredBatchSizes: preferred },
    queue: { maxSize: config.queue?.maxSize ?? 100, timeoutMs: config.queue?.timeoutMs ?? 10_000 },
    instances: config.instances ?? 1,
    residency: resolveResidency(config.residency),
    isolation: config.isolation ?? 'thread',
    maxMemoryMb: config.maxMemoryMb ?? 0,
  };
}
