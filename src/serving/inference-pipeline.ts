import { Injectable } from '@nestjs/common';
import type { NamedTensors } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ActiveDeployment } from './deployment-manager.js';
import { preprocessImage, type PreprocessedImage } from './image-preprocessor.js';
import type { Admission } from './admission.js';
import { cancelled, inferenceTimeout, type ItemResult } from './model-runtime.js';
import { ResponseEncoder } from './response-encoder.js';
import { PreprocessWindow, preprocessWindowSize, type WindowPlaces } from './preprocess-window.js';
import { ServingRuntimeOptions } from './runtime-timers.js';
import type { EncodedItem, EncodingConfig } from './response-encoding.js';
import { checkTensorInputs, JsonTensor } from './tensor-input.js';

export interface InferenceOptions {
  output?: 'raw';
  /** With output=raw: JSON numbers (the default) or the binary layout of binary-tensors.ts. */
  encoding?: 'json' | 'binary';
  topK?: number;
  scoreThreshold?: number;
  iouThreshold?: number;
  /** Higher first; FIFO within a priority. */
  priority: number;
  /** Capped by the model's queue.timeoutMs. */
  timeoutMs?: number;
}

/** The encoded images of one request; `done()` (idempotent) says no image buffer will be read again. */
export interface ImageBytes {
  readonly buffers: Buffer[];
  done(): void;
}

export interface Timing {
  queueMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  totalMs: number;
}

export interface PipelineResult<T> {
  version: number;
  results: T[];
  timing: Timing;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * The request path shared by the REST and v2 routes: admit, preprocess, queue (with priority,
 * deadline and cancellation), wait for the batcher, postprocess and encode (ResponseEncoder: off the
 * event loop for outputs of any size). Each image is its own queue item. Admission comes first so a
 * full queue refuses a request before its images are decoded.
 */
@Injectable()
export class InferencePipeline {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly encoder: ResponseEncoder,
    private readonly runtimeOptions: ServingRuntimeOptions,
  ) {}

  private readonly encodingConfigs = new WeakMap<ActiveDeployment, EncodingConfig>();
  private readonly windows = new WeakMap<ActiveDeployment, PreprocessWindow>();

  /**
   * Holds `count` queue places for a request whose body is not read yet, or refuses it at once
   * (503 QUEUE_FULL with Retry-After, 409 while undeploying). The caller releases it when done.
   */
  admit(deployment: ActiveDeployment, count = 1): Admission<ActiveDeployment> {
    const started = performance.now();
    try {
      return deployment.runtime.admit(count);
    } catch (error) {
      this.recordFailure(deployment, started, error);
      throw error;
    }
  }

  /**
   * `admission` (from `admit`) is grown to one place per image before any image is decoded. The
   * images are preprocessed, run and postprocessed for the deployment the admission was granted
   * for, whichever version is serving by the time they run.
   */
  async runImages(
    deployment: ActiveDeployment,
    images: ImageBytes,
    options: InferenceOptions,
    signal?: AbortSignal,
    admission?: Admission<ActiveDeployment>,
  ): Promise<PipelineResult<EncodedItem>> {
    const started = performance.now();
    return this.measure(deployment, started, admission, images.buffers.length, async (admitted, timing, places) => {
      // One deadline for the whole wait: the turn to decode and the queue after it.
      const deadline = this.deadline(admitted, options);
      const window = await this.enterWindow(admitted, images.buffers.length, options, deadline, signal);
      let items: ItemResult[];
      let prepared: PreprocessedImage[];
      try {
        // The wait for the window is time in the queue; preprocessing starts after it.
        const decodeStarted = performance.now();
        timing.queueMs = decodeStarted - started;
        const preprocessed = await this.preprocessAll(admitted, images);
        prepared = preprocessed.prepared;
        timing.preprocessMs = performance.now() - decodeStarted;
        items = await this.submitAll(
          admitted,
          prepared.map((image) => ({ inputs: { [preprocessed.input]: image.tensor }, rows: 1 })),
          options,
          deadline,
          places,
          signal,
          // Each image leaves the window once it has run, so a request with many images never holds
          // the window for its whole length.
          () => window.leave(),
        );
      } finally {
        window.leaveAll();
      }
      places.keepWhileFinishing(items.length);
      const postStarted = performance.now();
      const config = this.encodingConfig(admitted);
      const results = await Promise.all(items.map((item, index) => this.encoder.encode(config, { source: 'image', outputs: item.outputs, transform: prepared[index].transform, options })));
      timing.postprocessMs = performance.now() - postStarted;
      return { items, results };
    });
  }

  /**
   * Decodes every image for `deployment`. All decodes settle before it returns or throws (the
   * first failing image, in request order, is the error), and then `images.done()` runs: from
   * there on nothing reads the image buffers, so a pooled one can serve another request.
   */
  private async preprocessAll(deployment: ActiveDeployment, images: ImageBytes): Promise<{ input: string; prepared: PreprocessedImage[] }> {
    try {
      const pre = deployment.config.preprocess;
      if (!pre) throw ApiError.badRequest('INVALID_INPUT', 'This model takes tensors, not images: send {"inputs": {...}}');
      if (deployment.spec.signature.inputs.length !== 1) {
        throw ApiError.badRequest('INVALID_INPUT', 'This model has several inputs; send them as tensors');
      }
      const channels = imageChannels(deployment);
      const { buffers } = images;
      const settled = await Promise.allSettled(buffers.map((image) => preprocessImage(image, pre, this.config.serving.maxImagePixels, channels)));
      const failed = settled.findIndex((outcome) => outcome.status === 'rejected');
      if (failed >= 0) {
        const error = (settled[failed] as PromiseRejectedResult).reason as unknown;
        if (error instanceof ApiError && buffers.length > 1) throw new ApiError(400, error.code, `Image ${failed}: ${error.message}`, { index: failed, ...(error.details as object) });
        throw error;
      }
      return { input: pre.input, prepared: settled.map((outcome) => (outcome as PromiseFulfilledResult<PreprocessedImage>).value) };
    } finally {
      images.done();
    }
  }

  /** The deployment's PreprocessWindow, made on first use (one per deployment, so a new version starts empty). */
  private preprocessWindow(deployment: ActiveDeployment): PreprocessWindow {
    let window = this.windows.get(deployment);
    if (!window) {
      const size = preprocessWindowSize(this.config.serving.preprocessAhead, deployment.config.instances, deployment.config.batching.maxBatchSize);
      window = new PreprocessWindow(size, this.runtimeOptions.timers, { expired: inferenceTimeout, cancelled });
      this.windows.set(deployment, window);
    }
    return window;
  }

  /** Waits for the request's turn to decode; a wait that ends in its deadline or a departed client counts as a dropped item. */
  private async enterWindow(deployment: ActiveDeployment, count: number, options: InferenceOptions, deadline: number, signal?: AbortSignal): Promise<WindowPlaces> {
    try {
      return await this.preprocessWindow(deployment).enter(count, options.priority, deadline, signal);
    } catch (error) {
      const code = error instanceof ApiError ? error.code : undefined;
      if (code === 'INFERENCE_TIMEOUT') deployment.runtime.countDropped('expired', count);
      else if (code === 'REQUEST_CANCELLED') deployment.runtime.countDropped('cancelled', count);
      throw error;
    }
  }

  /** Images being decoded, or decoded and not yet run, for a deployment (0 before its first request). */
  preprocessing(deployment: ActiveDeployment): number {
    return this.windows.get(deployment)?.inUse ?? 0;
  }

  /** When a request's items stop waiting: its own timeout, capped by the model's queue.timeoutMs, from now. */
  private deadline(deployment: ActiveDeployment, options: InferenceOptions): number {
    const limit = deployment.config.queue.timeoutMs;
    return deployment.runtime.now() + Math.min(options.timeoutMs ?? limit, limit);
  }

  /** Like runImages: validated against, and run on, the deployment the admission was granted for. */
  async runTensors(
    deployment: ActiveDeployment,
    tensors: JsonTensor[],
    options: InferenceOptions,
    signal?: AbortSignal,
    admission?: Admission<ActiveDeployment>,
  ): Promise<PipelineResult<NamedTensors>> {
    const started = performance.now();
    return this.measure(deployment, started, admission, 1, async (admitted, timing, places) => {
      const checked = checkTensorInputs(admitted.spec.signature, tensors);
      timing.preprocessMs = performance.now() - started;
      const items = await this.submitAll(admitted, [checked], options, this.deadline(admitted, options), places, signal);
      return { items, results: items.map((item) => item.outputs) };
    });
  }

  /**
   * Tensor results for the REST route, encoded: a classification model gives one result per row
   * of the request (its first dimension); anything else gives the raw outputs as one result.
   * The outputs' buffers move to the encoder.
   */
  encodeTensorResult(deployment: ActiveDeployment, outputs: NamedTensors, options: InferenceOptions): Promise<EncodedItem> {
    // The caller keeps a place for it while it is encoded (Admission.keepWhileFinishing).
    return this.encoder.encode(this.encodingConfig(deployment), { source: 'tensor', outputs, transform: null, options });
  }

  /** One object per deployment, so encoder threads receive its labels once. */
  private encodingConfig(deployment: ActiveDeployment): EncodingConfig {
    let config = this.encodingConfigs.get(deployment);
    if (!config) {
      config = { task: deployment.config.task, postprocess: deployment.config.postprocess, primaryOutput: deployment.spec.signature.outputs[0]?.name };
      this.encodingConfigs.set(deployment, config);
    }
    return config;
  }

  /** Submits every item; on the first failure drops the siblings still queued. */
  private async submitAll(
    deployment: ActiveDeployment,
    items: Array<{ inputs: NamedTensors; rows: number }>,
    options: InferenceOptions,
    deadline: number,
    admission: Admission<ActiveDeployment>,
    signal?: AbortSignal,
    onItemSettled?: () => void,
  ): Promise<ItemResult[]> {
    const siblings = new AbortController();
    const onAbort = () => siblings.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) siblings.abort();
    try {
      return await Promise.all(
        items.map((item) =>
          deployment.runtime
            .submit(item.inputs, { priority: options.priority, deadline, rows: item.rows, signal: siblings.signal, admission })
            .catch((error: unknown) => {
              siblings.abort();
              throw error;
            })
            .finally(onItemSettled),
        ),
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Runs `work` holding `items` queue places (growing the caller's admission, or admitting here),
   * records the outcome in metrics, and always gives back the places no item used.
   */
  private async measure<T>(
    deployment: ActiveDeployment,
    started: number,
    admission: Admission<ActiveDeployment> | undefined,
    itemCount: number,
    work: (admitted: ActiveDeployment, timing: Timing, places: Admission<ActiveDeployment>) => Promise<{ items: ItemResult[]; results: T[] }>,
  ): Promise<PipelineResult<T>> {
    const timing: Timing = { queueMs: 0, preprocessMs: 0, inferenceMs: 0, postprocessMs: 0, totalMs: 0 };
    const modelId = deployment.spec.modelId;
    let places = admission;
    try {
      if (places) places.growTo(itemCount);
      else places = deployment.runtime.admit(itemCount);
      const admitted = places.deployment;
      const { items, results } = await work(admitted, timing, places);
      // Work may have counted a wait of its own (the preprocess window) as queue time already.
      timing.queueMs += Math.max(0, ...items.map((item) => item.queueMs));
      timing.inferenceMs = Math.max(0, ...items.map((item) => item.inferenceMs));
      timing.totalMs = performance.now() - started;
      this.metrics.recordInference(modelId, 'success', { queueMs: timing.queueMs, computeMs: timing.inferenceMs, totalMs: timing.totalMs, inputMs: timing.preprocessMs, outputMs: timing.postprocessMs });
      return { version: items[0]?.version ?? admitted.spec.version, results, timing: roundTiming(timing) };
    } catch (error) {
      this.recordFailure(deployment, started, error);
      throw error;
    } finally {
      places?.release();
    }
  }

  private recordFailure(deployment: ActiveDeployment, started: number, error: unknown): void {
    const code = error instanceof ApiError ? error.code : 'INTERNAL_ERROR';
    const outcome = code === 'INFERENCE_TIMEOUT' ? 'timeout' : code === 'QUEUE_FULL' ? 'rejected' : code === 'REQUEST_CANCELLED' ? 'cancelled' : 'error';
    this.metrics.recordInference(deployment.spec.modelId, outcome, { totalMs: performance.now() - started }, code);
  }
}

/** 1 for a model whose image input has a single (grey) channel, else 3. */
function imageChannels(deployment: ActiveDeployment): 1 | 3 {
  const pre = deployment.config.preprocess;
  const input = deployment.spec.signature.inputs.find((spec) => spec.name === pre?.input);
  const channelDim = input?.shape[pre?.layout === 'NHWC' ? 3 : 1];
  return channelDim === 1 ? 1 : 3;
}

function roundTiming(timing: Timing): Timing {
  return {
    queueMs: round(timing.queueMs),
    preprocessMs: round(timing.preprocessMs),
    inferenceMs: round(timing.inferenceMs),
    postprocessMs: round(timing.postprocessMs),
    totalMs: round(timing.totalMs),
  };
}
