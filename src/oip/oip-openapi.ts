import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
type SchemaObject = NonNullable<Parameters<typeof ApiResponse>[0] extends infer O ? (O extends { schema?: infer S } ? S : never) : never>;

/**
 * OpenAPI response schemas of the /v2 routes, written from the Open Inference Protocol's REST
 * specification so the generated client and the documentation show the protocol's shapes.
 */
const tensorMetadata = {
  type: 'object',
  required: ['name', 'datatype', 'shape'],
  properties: { name: { type: 'string' }, datatype: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } } },
};
const tensorData = { type: 'array', items: {} };
const parameters = { type: 'object', additionalProperties: true };

export const OIP_SCHEMAS = {
  error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
  serverMetadata: {
    type: 'object',
    required: ['name', 'version', 'extensions'],
    properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } },
  },
  live: { type: 'object', required: ['live'], properties: { live: { type: 'boolean' } } },
  ready: { type: 'object', required: ['ready'], properties: { ready: { type: 'boolean' } } },
  modelReady: { type: 'object', required: ['name', 'ready'], properties: { name: { type: 'string' }, ready: { type: 'boolean' } } },
  modelMetadata: {
    type: 'object',
    required: ['name', 'platform', 'versions', 'inputs', 'outputs'],
    properties: {
      name: { type: 'string' },
      versions: { type: 'array', items: { type: 'string' } },
      platform: { type: 'string' },
      inputs: { type: 'array', items: tensorMetadata },
      outputs: { type: 'array', items: tensorMetadata },
    },
  },
  inferResponse: {
    type: 'object',
    required: ['model_name', 'outputs'],
    properties: {
      model_name: { type: 'string' },
      model_version: { type: 'string' },
      id: { type: 'string' },
      parameters,
      outputs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'shape', 'datatype'],
          properties: { name: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } }, datatype: { type: 'string' }, parameters, data: tensorData },
        },
      },
    },
  },
  statistics: {
    type: 'object',
    required: ['model_stats'],
    properties: {
      model_stats: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'version', 'last_inference', 'inference_count', 'execution_count', 'inference_stats', 'batch_stats'],
          properties: {
            name: { type: 'string' },
            version: { type: 'string' },
            last_inference: { type: 'integer' },
            inference_count: { type: 'integer' },
            execution_count: { type: 'integer' },
            inference_stats: { type: 'object', additionalProperties: { type: 'object', properties: { count: { type: 'integer' }, ns: { type: 'integer' } } } },
            batch_stats: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
      },
    },
  },
  repositoryIndex: {
    type: 'array',
    items: {
      type: 'object',
      required: ['name', 'state'],
      properties: { name: { type: 'string' }, version: { type: 'string' }, state: { type: 'string' }, reason: { type: 'string' } },
    },
  },
};

/** The 200 body and the protocol's `{"error"}` body for the error statuses a route can give. */
export function OipResponses(ok: object, errors: number[] = [400, 404, 503]): MethodDecorator {
  return applyDecorators(
    ApiResponse({ status: 200, description: 'OK', schema: ok as SchemaObject }),
    ...errors.map((status) => ApiResponse({ status, description: 'Error ({"error": message}; stable code in X-Error-Code)', schema: OIP_SCHEMAS.error as SchemaObject })),
  );
}
