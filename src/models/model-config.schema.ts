import { z } from 'zod';

/**
 * The model config an admin sends with an upload (multipart field `config`, a JSON string).
 * Every field is optional where the model file can tell it; `resolveModelConfig` fills the gaps
 * from the signature. Unknown keys are refused so typos surface as INVALID_MODEL_CONFIG.
 */
const channelTriple = z.array(z.number().finite()).length(3);

export const preprocessSchema = z.strictObject({
  input: z.string().min(1).max(256).optional(),
  width: z.number().int().min(1).max(8192).optional(),
  height: z.number().int().min(1).max(8192).optional(),
  layout: z.enum(['NCHW', 'NHWC']).optional(),
  resize: z.enum(['stretch', 'letterbox', 'crop']).optional(),
  padValue: z.number().min(0).max(255).optional(),
  colorOrder: z.enum(['RGB', 'BGR']).optional(),
  dtype: z.enum(['float32', 'uint8']).optional(),
  scale: z.number().finite().optional(),
  mean: channelTriple.optional(),
  std: channelTriple.refine((values) => values.every((value) => value !== 0), 'std values must be non-zero').optional(),
});

export const postprocessSchema = z.strictObject({
  labels: z.array(z.string().max(256)).max(100_000).optional(),
  topK: z.number().int().min(1).max(1000).optional(),
  softmax: z.union([z.boolean(), z.literal('auto')]).optional(),
  /** yolov5 / yolov8: raw grids decoded here; xyxy: rows of [x1, y1, x2, y2, score, class] a model already decoded. */
  format: z.enum(['yolov5', 'yolov8', 'xyxy']).optional(),
  /** The output to post-process (default: the model's first output). */
  output: z.string().min(1).max(256).optional(),
  scoreThreshold: z.number().min(0).max(1).optional(),
  iouThreshold: z.number().min(0).max(1).optional(),
  maxDetections: z.number().int().min(1).max(10_000).optional(),
});

export const batchingSchema = z.strictObject({
  maxBatchSize: z.number().int().min(1).max(1024).optional(),
  maxQueueDelayMs: z.number().min(0).max(10_000).optional(),
  preferredBatchSizes: z.array(z.number().int().min(1).max(1024)).max(16).optional(),
});

export const queueSchema = z.strictObject({
  maxSize: z.number().int().min(1).max(100_000).optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
});

/** Whether a deployed model stays loaded (`pinned`) or is loaded on its first request and may be unloaded (`on-demand`). */
export const residencySchema = z.strictObject({
  mode: z.enum(['pinned', 'on-demand']).optional(),
  /** On-demand only: unload after this long without a request; 0 = only under memory pressure. */
  idleUnloadSeconds: z.number().int().min(0).max(30 * 24 * 3600).optional(),
});

/** Where an instance runs: a worker thread of the server (`thread`) or its own child process (`process`). */
export const isolationSchema = z.enum(['thread', 'process']);

/** With isolation "process": the child is restarted when its resident memory exceeds this. */
const maxMemoryMbSchema = z.number().int().min(16).max(1_048_576);

/** The deployment settings: part of the model config, and all the deploy body may override. */
const deploymentSettings = {
  batching: batchingSchema.optional(),
  queue: queueSchema.optional(),
  instances: z.number().int().min(1).max(16).optional(),
  residency: residencySchema.optional(),
  isolation: isolationSchema.optional(),
  maxMemoryMb: maxMemoryMbSchema.optional(),
};

export const modelConfigSchema = z.strictObject({
  engine: z.enum(['onnxruntime', 'tensorflow', 'tensorrt']).or(z.string().regex(/^[a-z0-9_-]{1,64}$/)).optional(),
  task: z.enum(['classification', 'detection', 'raw']).optional(),
  preprocess: preprocessSchema.optional(),
  postprocess: postprocessSchema.optional(),
  ...deploymentSettings,
});

/** The deploy body may override these deployment settings only. */
export const deploymentOverridesSchema = z.strictObject(deploymentSettings);
