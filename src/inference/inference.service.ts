import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { binaryBody, encodeBinaryOutputs } from '../serving/binary-tensors.js';
import type { ActiveDeployment } from '../serving/deployment-manager.js';
import { InferencePipeline, ItemOutcome, Timing } from '../serving/inference-pipeline.js';
import type { Admission } from '../serving/admission.js';
import type { InferenceCall } from './inference-call.js';
import type { InferenceBody } from './inference-request.reader.js';
import { ModelResolver } from './model-resolver.js';

export interface InferenceResponse {
  modelId: string;
  version: number;
  requestId: string;
  results: ItemOutcome[];
  timing: Timing;
}

/** JSON, or the binary layout of raw outputs (`encoding=binary`). */
export type InferenceAnswer = { kind: 'json'; body: InferenceResponse } | { kind: 'binary'; body: Buffer; headerLength: number };

@Injectable()
export class InferenceService {
  constructor(
    private readonly config: AppConfig,
    private readonly models: ModelResolver,
    private readonly pipeline: InferencePipeline,
  ) {}

  async infer(idOrName: string, call: InferenceCall): Promise<InferenceAnswer> {
    const deployment = await this.models.resolve(idOrName);
    call.resolvedModel(deployment.spec.modelId);
    // One queue place before the body is read, the rest once the images are counted: a full
    // queue answers 503 without reading or decoding anything.
    const admission = this.pipeline.admit(deployment);
    try {
      const body = await call.readBody({ maxImages: this.config.serving.maxImagesPerRequest, maxBytes: this.config.server.bodyLimitBytes });
      const response = await this.run(deployment, admission, body, call);
      return body.options.encoding === 'binary' ? binaryAnswer(response) : { kind: 'json', body: response };
    } finally {
      admission.release();
    }
  }

  private async run(deployment: ActiveDeployment, admission: Admission<ActiveDeployment>, body: InferenceBody, call: InferenceCall): Promise<InferenceResponse> {
    const base = { modelId: deployment.spec.modelId, requestId: call.requestId };
    if (body.kind === 'images') {
      const run = await this.pipeline.runImages(deployment, body.images, body.options, call.signal, admission);
      return { ...base, version: run.version, results: run.results, timing: run.timing };
    }
    const run = await this.pipeline.runTensors(deployment, body.tensors, body.options, call.signal, admission);
    const postStarted = performance.now();
    const results = run.results.flatMap((outputs) => this.pipeline.formatTensorResult(admission.deployment, outputs, body.options));
    const postprocessMs = Math.round((performance.now() - postStarted) * 1000) / 1000;
    return { ...base, version: run.version, results, timing: { ...run.timing, postprocessMs, totalMs: run.timing.totalMs + postprocessMs } };
  }
}

function binaryAnswer(response: InferenceResponse): InferenceAnswer {
  const tensors = response.results.map((result) => ('tensors' in result ? result.tensors : {}));
  const { headers, chunks } = encodeBinaryOutputs(tensors);
  const { body, headerLength } = binaryBody({ ...response, results: headers.map((outputs) => ({ outputs })) }, chunks);
  return { kind: 'binary', body, headerLength };
}
