import { Injectable } from '@nestjs/common';
import { BufferPool } from '../common/buffer-pool.js';
import { AppConfig } from '../config/app-config.js';
import type { ActiveDeployment } from '../serving/deployment-manager.js';
import { InferencePipeline } from '../serving/inference-pipeline.js';
import type { Admission } from '../serving/admission.js';
import { assembleAnswer, InferenceAnswer } from './inference-answer.js';
import type { InferenceCall } from './inference-call.js';
import type { InferenceBody } from './inference-request.reader.js';
import { ModelResolver } from './model-resolver.js';

export type { InferenceAnswer } from './inference-answer.js';

@Injectable()
export class InferenceService {
  constructor(
    private readonly config: AppConfig,
    /** Multipart bodies are read into reused buffers (common/buffer-pool.ts). */
    private readonly bodyBuffers: BufferPool,
    private readonly models: ModelResolver,
    private readonly pipeline: InferencePipeline,
  ) {}

  /** The finished response body: results are postprocessed and encoded off the event loop. */
  async infer(idOrName: string, call: InferenceCall): Promise<InferenceAnswer> {
    const deployment = await this.models.resolve(idOrName);
    call.resolvedModel(deployment.spec.modelId);
    // One queue place before the body is read, the rest once the images are counted: a full
    // queue answers 503 without reading or decoding anything.
    const admission = this.pipeline.admit(deployment);
    let body: InferenceBody | undefined;
    try {
      body = await call.readBody({ maxImages: this.config.serving.maxImagesPerRequest, maxBytes: this.config.server.bodyLimitBytes }, this.bodyBuffers);
      return await this.run(deployment, admission, body, call);
    } finally {
      // The pipeline gives the image buffers back once decoded; this covers every path that never got there.
      if (body?.kind === 'images') body.images.done();
      admission.release();
    }
  }

  private async run(deployment: ActiveDeployment, admission: Admission<ActiveDeployment>, body: InferenceBody, call: InferenceCall): Promise<InferenceAnswer> {
    const base = { modelId: deployment.spec.modelId, requestId: call.requestId };
    if (body.kind === 'images') {
      const run = await this.pipeline.runImages(deployment, body.images, body.options, call.signal, admission);
      return assembleAnswer({ ...base, version: run.version, timing: run.timing }, run.results);
    }
    const run = await this.pipeline.runTensors(deployment, body.tensors, body.options, call.signal, admission);
    admission.keepWhileFinishing(run.results.length);
    const postStarted = performance.now();
    const items = await Promise.all(run.results.map((outputs) => this.pipeline.encodeTensorResult(admission.deployment, outputs, body.options)));
    const postprocessMs = Math.round((performance.now() - postStarted) * 1000) / 1000;
    return assembleAnswer({ ...base, version: run.version, timing: { ...run.timing, postprocessMs, totalMs: run.timing.totalMs + postprocessMs } }, items);
  }
}
