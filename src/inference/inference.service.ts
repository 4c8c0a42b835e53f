import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import type { ActiveDeployment } from '../serving/deployment-manager.js';
import { InferencePipeline, ItemOutcome, Timing } from '../serving/inference-pipeline.js';
import type { Admission } from '../serving/model-runtime.js';
import { clientAbortSignal } from './client-abort.js';
import { readInferenceBody } from './inference-request.reader.js';
import { ModelResolver } from './model-resolver.js';

export interface InferenceResponse {
  modelId: string;
  version: number;
  requestId: string;
  results: ItemOutcome[];
  timing: Timing;
}

@Injectable()
export class InferenceService {
  constructor(
    private readonly config: AppConfig,
    private readonly models: ModelResolver,
    private readonly pipeline: InferencePipeline,
  ) {}

  async infer(idOrName: string, request: FastifyRequest, reply: FastifyReply): Promise<InferenceResponse> {
    const deployment = await this.models.resolve(idOrName);
    request.modelId = deployment.spec.modelId;
    // One queue place before the body is read, the rest once the images are counted: a full
    // queue answers 503 without reading or decoding anything.
    const admission = this.pipeline.admit(deployment);
    try {
      return await this.run(deployment, admission, request, reply);
    } finally {
      admission.release();
    }
  }

  private async run(deployment: ActiveDeployment, admission: Admission, request: FastifyRequest, reply: FastifyReply): Promise<InferenceResponse> {
    const body = await readInferenceBody(request, {
      maxImages: this.config.serving.maxImagesPerRequest,
      maxBytes: this.config.server.bodyLimitBytes,
    });
    const signal = clientAbortSignal(reply);
    const base = { modelId: deployment.spec.modelId, requestId: String(request.id) };
    if (body.kind === 'images') {
      const run = await this.pipeline.runImages(deployment, body.images, body.options, signal, admission);
      return { ...base, version: run.version, results: run.results, timing: run.timing };
    }
    const run = await this.pipeline.runTensors(deployment, body.tensors, body.options, signal, admission);
    const postStarted = performance.now();
    const results = run.results.flatMap((outputs) => this.pipeline.formatTensorResult(deployment, outputs, body.options));
    const postprocessMs = Math.round((performance.now() - postStarted) * 1000) / 1000;
    return { ...base, version: run.version, results, timing: { ...run.timing, postprocessMs, totalMs: run.timing.totalMs + postprocessMs } };
  }
}
