import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../common/api-error.js';
import { describeIssues } from '../common/validation.js';
import { ReadinessService } from '../health/readiness.service.js';
import type { ActiveDeployment } from '../serving/deployment-manager.js';
import { InferencePipeline, rawOutputs } from '../serving/inference-pipeline.js';
import type { Admission } from '../serving/model-runtime.js';
import { fromV2Datatype, toV2Datatype, toV2Shape, v2Platform } from '../serving/v2-datatypes.js';
import { clientAbortSignal } from './client-abort.js';
import { ModelResolver } from './model-resolver.js';

const MAX_NESTING = 8;

const parametersSchema = z
  .object({
    priority: z.number().int().min(-1000).max(1000).optional(),
    timeoutMs: z.number().int().min(1).max(600_000).optional(),
  })
  .loose()
  .optional();

export const v2InferRequestSchema = z.object({
  id: z.string().max(256).optional(),
  parameters: parametersSchema,
  inputs: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        shape: z.array(z.number().int().min(0)).max(MAX_NESTING),
        datatype: z.string().min(1).max(16),
        data: z.array(z.unknown()),
        parameters: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1)
    .max(64),
  outputs: z
    .array(z.object({ name: z.string().min(1).max(256), parameters: z.record(z.string(), z.unknown()).optional() }))
    .max(64)
    .optional(),
});
export type V2InferRequest = z.infer<typeof v2InferRequestSchema>;

export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

/** v2 allows nested row-major arrays; flatten them (bounded depth). */
function flatten(values: unknown[], depth = 0): unknown[] {
  if (depth > MAX_NESTING) throw ApiError.badRequest('INVALID_INPUT', 'data is nested too deeply');
  if (!values.some(Array.isArray)) return values;
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value, depth + 1) : [value]));
}

/** The Open Inference Protocol (KServe v2) over the same queues, batching and limits as REST. */
@Injectable()
export class KserveService {
  constructor(
    private readonly models: ModelResolver,
    private readonly pipeline: InferencePipeline,
    private readonly readiness: ReadinessService,
  ) {}

  serverMetadata() {
    return { name: 'modelport', version: process.env.npm_package_version ?? '0.1.0', extensions: [] as string[] };
  }

  isReady(): boolean {
    return this.readiness.isStartupComplete();
  }

  /** The live deployment, also checking an explicit `/versions/:version` against the serving one. */
  private async resolve(name: string, version?: string) {
    const deployment = await this.models.resolve(name);
    if (version !== undefined && version !== String(deployment.spec.version)) {
      throw ApiError.notFound('MODEL_VERSION_NOT_DEPLOYED', `Version ${version} of "${name}" is not the version being served (${deployment.spec.version})`);
    }
    return deployment;
  }

  async metadata(name: string, version?: string) {
    const deployment = await this.resolve(name, version);
    const { spec } = deployment;
    const describe = (tensor: { name: string; dtype: string; shape: Array<number | string> }) => ({
      name: tensor.name,
      datatype: toV2Datatype(tensor.dtype),
      shape: toV2Shape(tensor.shape),
    });
    return {
      name: spec.modelName,
      id: spec.modelId,
      versions: [String(spec.version)],
      platform: v2Platform(spec.engine, spec.artifact.format),
      inputs: spec.signature.inputs.map(describe),
      outputs: spec.signature.outputs.map(describe),
    };
  }

  async modelReady(name: string, version?: string): Promise<{ name: string; ready: boolean }> {
    const deployment = await this.resolve(name, version);
    return { name: deployment.spec.modelName, ready: !deployment.runtime.isDraining };
  }

  async infer(name: string, version: string | undefined, body: unknown, reply: FastifyReply, requestModel: (id: string) => void) {
    const deployment = await this.resolve(name, version);
    requestModel(deployment.spec.modelId);
    // A full queue refuses before the tensors are validated and converted.
    const admission = this.pipeline.admit(deployment);
    try {
      return await this.run(deployment, admission, body, reply);
    } finally {
      admission.release();
    }
  }

  private async run(deployment: ActiveDeployment, admission: Admission, body: unknown, reply: FastifyReply) {
    const parsed = v2InferRequestSchema.safeParse(body ?? {});
    if (!parsed.success) throw ApiError.badRequest('VALIDATION_FAILED', 'Invalid v2 inference request', describeIssues(parsed.error));
    const request = parsed.data;
    const known = new Set(deployment.spec.signature.outputs.map((output) => output.name));
    const wanted = request.outputs?.map((output) => output.name);
    const unknown = wanted?.filter((output) => !known.has(output)) ?? [];
    if (unknown.length > 0) throw ApiError.badRequest('INVALID_INPUT', `Unknown output(s): ${unknown.join(', ')}`, { outputs: unknown });
    const tensors = request.inputs.map((input) => {
      const dtype = fromV2Datatype(input.datatype);
      if (!dtype) throw ApiError.badRequest('INVALID_INPUT', `Input "${input.name}": unknown datatype ${input.datatype}`, { input: input.name });
      return { name: input.name, shape: input.shape, dtype, data: flatten(input.data) };
    });
    const run = await this.pipeline.runTensors(
      deployment,
      tensors,
      { priority: request.parameters?.priority ?? 0, timeoutMs: request.parameters?.timeoutMs, output: 'raw' },
      clientAbortSignal(reply),
      admission,
    );
    const outputs = rawOutputs(run.results[0]);
    const names = wanted ?? Object.keys(outputs);
    return {
      model_name: deployment.spec.modelName,
      model_version: String(run.version),
      ...(request.id !== undefined ? { id: request.id } : {}),
      outputs: names
        .filter((output) => outputs[output])
        .map((output): V2Tensor => ({ name: output, shape: outputs[output].shape, datatype: toV2Datatype(outputs[output].dtype), data: outputs[output].data })),
    };
  }
}
