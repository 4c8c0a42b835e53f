import { Injectable } from '@nestjs/common';
import type { TensorSpec } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { ReadinessService } from '../health/readiness.service.js';
import { ModelResolver } from '../inference/model-resolver.js';
import type { ActiveDeployment } from '../serving/deployment-manager.js';
import { InferencePipeline } from '../serving/inference-pipeline.js';
import { fromV2Datatype, toV2Datatype, toV2Shape, v2Platform } from '../serving/v2-datatypes.js';
import { readPackageVersion } from '../system/system-info.service.js';
import type { OipCallContext, OipInferRequest, OipInferResult, OipModelMetadata, OipServerMetadata } from './oip.types.js';

/** The protocol extensions this server implements, as GET /v2 and ServerMetadata report them. */
export const OIP_EXTENSIONS = ['binary_tensor_data', 'model_repository', 'statistics'] as const;

function describe(tensor: TensorSpec) {
  return { name: tensor.name, datatype: toV2Datatype(tensor.dtype), shape: toV2Shape(tensor.shape) };
}

/**
 * The Open Inference Protocol over the same queues, batching, limits and metrics as the REST
 * inference route. Transport-neutral: REST (oip.controller) and gRPC (src/grpc) both call it.
 */
@Injectable()
export class OipService {
  constructor(
    private readonly models: ModelResolver,
    private readonly pipeline: InferencePipeline,
    private readonly readiness: ReadinessService,
  ) {}

  serverMetadata(): OipServerMetadata {
    return { name: 'modelport', version: readPackageVersion(), extensions: [...OIP_EXTENSIONS] };
  }

  isLive(): boolean {
    return !this.readiness.isShuttingDown;
  }

  isReady(): boolean {
    return this.readiness.isStartupComplete();
  }

  /**
   * The live deployment. An explicit version must be the one being served: a model serves one
   * version at a time, so any other is unknown to inference (404).
   */
  async resolve(name: string, version?: string): Promise<ActiveDeployment> {
    const deployment = await this.models.resolve(name);
    if (version !== undefined && version !== '' && version !== String(deployment.spec.version)) {
      throw ApiError.notFound('MODEL_VERSION_NOT_DEPLOYED', `Version ${version.slice(0, 64)} of "${name.slice(0, 200)}" is not the version being served (${deployment.spec.version})`);
    }
    return deployment;
  }

  async modelMetadata(name: string, version?: string): Promise<OipModelMetadata> {
    const { spec } = await this.resolve(name, version);
    return {
      name: spec.modelName,
      // Not in the protocol's object, which allows more fields: the id other Modelport routes take.
      id: spec.modelId,
      versions: [String(spec.version)],
      platform: v2Platform(spec.engine, spec.artifact.format),
      inputs: spec.signature.inputs.map(describe),
      outputs: spec.signature.outputs.map(describe),
      properties: { id: spec.modelId, engine: spec.engine },
    };
  }

  /** Ready: deployed, serving this version, and not draining. */
  async modelReady(name: string, version?: string): Promise<{ name: string; ready: boolean }> {
    const deployment = await this.resolve(name, version);
    return { name: deployment.spec.modelName, ready: !deployment.runtime.isDraining };
  }

  /**
   * Runs one request, read by `read` only once the model is known and a queue place is held:
   * an unknown model is a 404 and a full queue refuses before any tensor is decoded. Inputs take
   * the same checks (names, datatypes, shapes, element counts, ranges) as the REST tensor route.
   */
  async infer(name: string, version: string | undefined, read: () => OipInferRequest | Promise<OipInferRequest>, context: OipCallContext = {}): Promise<OipInferResult> {
    const deployment = await this.resolve(name, version);
    context.onModel?.(deployment.spec.modelId);
    const admission = this.pipeline.admit(deployment);
    try {
      const request = await read();
      const wanted = this.requestedOutputs(deployment, request);
      const tensors = request.inputs.map((input) => {
        const dtype = fromV2Datatype(input.datatype);
        if (!dtype) throw ApiError.badRequest('INVALID_INPUT', `Input "${input.name}": unknown datatype ${String(input.datatype).slice(0, 32)}`, { input: input.name });
        return { name: input.name, shape: input.shape, dtype, data: input.values };
      });
      const run = await this.pipeline.runTensors(
        deployment,
        tensors,
        { priority: request.priority, timeoutMs: request.timeoutMs, output: 'raw' },
        context.signal,
        admission,
      );
      const produced = run.results[0];
      return {
        model_name: deployment.spec.modelName,
        model_version: String(run.version),
        ...(request.id !== undefined && request.id !== '' ? { id: request.id } : {}),
        outputs: wanted
          .filter((output) => produced[output.name])
          .map((output) => {
            const tensor = produced[output.name];
            return { name: output.name, datatype: toV2Datatype(tensor.dtype), shape: tensor.shape, tensor, binary: output.binary };
          }),
      };
    } finally {
      admission.release();
    }
  }

  private requestedOutputs(deployment: ActiveDeployment, request: OipInferRequest): Array<{ name: string; binary: boolean }> {
    const known = deployment.spec.signature.outputs.map((output) => output.name);
    const binaryDefault = request.binaryOutputs ?? false;
    if (!request.outputs || request.outputs.length === 0) return known.map((name) => ({ name, binary: binaryDefault }));
    const unknown = request.outputs.filter((output) => !known.includes(output.name)).map((output) => output.name);
    if (unknown.length > 0) throw ApiError.badRequest('INVALID_INPUT', `Unknown output(s): ${unknown.join(', ').slice(0, 500)}`, { outputs: unknown });
    const seen = new Set<string>();
    for (const output of request.outputs) {
      if (seen.has(output.name)) throw ApiError.badRequest('INVALID_INPUT', `Output "${output.name}" is requested twice`);
      seen.add(output.name);
    }
    return request.outputs.map((output) => ({ name: output.name, binary: output.binary ?? binaryDefault }));
  }
}
