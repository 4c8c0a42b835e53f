import { z } from 'zod';
import { modelConfigSchema } from './model-config.js';
import { MODEL_STATUSES } from './model.entity.js';

/** Response shapes of models and versions (OpenAPI only). */
const tensorSpecSchema = z.object({ name: z.string(), dtype: z.string(), shape: z.array(z.union([z.number(), z.string()])) });
export const signatureSchema = z.object({ inputs: z.array(tensorSpecSchema), outputs: z.array(tensorSpecSchema) });
export const validationReportSchema = z.object({
  ok: z.boolean(),
  errors: z.array(z.object({ code: z.string(), message: z.string() })),
  warnings: z.array(z.string()),
});
const deploymentSettingsSchema = z.object({
  batching: z.object({ maxBatchSize: z.number(), maxQueueDelayMs: z.number(), preferredBatchSizes: z.array(z.number()) }),
  queue: z.object({ maxSize: z.number(), timeoutMs: z.number() }),
  instances: z.number(),
});

export const versionResponseSchema = z.object({
  version: z.number().int(),
  status: z.enum(['validated', 'invalid']),
  engine: z.string(),
  format: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  signature: signatureSchema.nullable(),
  validation: validationReportSchema,
  config: modelConfigSchema,
  active: z.boolean(),
  createdAt: z.string(),
});

export const modelResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  engine: z.string(),
  format: z.string(),
  status: z.enum(MODEL_STATUSES),
  statusReason: z.string().nullable(),
  version: z.number().int().describe('The newest uploaded version'),
  activeVersion: z.number().int(),
  signature: signatureSchema.nullable(),
  config: modelConfigSchema,
  validation: validationReportSchema,
  sha256: z.string(),
  sizeBytes: z.number().int(),
  deploymentOverrides: z.record(z.string(), z.unknown()),
  deployment: deploymentSettingsSchema.nullable(),
  batchProfile: z
    .object({
      points: z.array(z.object({ batchSize: z.number().int(), ms: z.number(), msPerItem: z.number() })),
      maxBatchSize: z.number().int(),
      preferredBatchSizes: z.array(z.number().int()),
    })
    .nullable()
    .describe('Engine latency per batch size measured on this host when the serving version was loaded (kept across restarts), and the batch sizes chosen from it; null when none was taken'),
  createdAt: z.string(),
  updatedAt: z.string(),
  versions: z.array(versionResponseSchema).optional().describe('On GET /models/{id} only'),
});
