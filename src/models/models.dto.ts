import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ApiError } from '../common/api-error.js';
import { paginationSchema } from '../common/validation.js';
import { MODEL_STATUSES } from './model.entity.js';

export const modelListQuerySchema = paginationSchema.extend({
  status: z.enum(MODEL_STATUSES).optional(),
  engine: z.string().min(1).max(64).optional(),
  search: z.string().min(1).max(200).optional(),
});
export type ModelListQuery = z.infer<typeof modelListQuerySchema>;

export const modelPatchSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  /** A config object, or its JSON text as in the upload form. */
  config: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
});
export type ModelPatchBody = z.infer<typeof modelPatchSchema>;

export const deleteQuerySchema = z.object({
  force: z.enum(['true', 'false', '1', '0']).optional().transform((value) => value === 'true' || value === '1'),
});

/** `:version` must be a positive integer; anything else names no version. */
export class VersionParamPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,8}$/.test(value)) throw ApiError.notFound('VERSION_NOT_FOUND', `No version ${String(value).slice(0, 32)}`);
    return Number(value);
  }
}

/** The multipart form of an upload, for the OpenAPI document. */
export const uploadFormSchema = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: '.onnx, .zip (TF.js model dir or SavedModel), .plan or .engine' },
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'Unique model name (required for a new model; ignored for a version); no control characters, at most 100 characters once URL-encoded' },
    description: { type: 'string', maxLength: 2000 },
    config: { type: 'string', description: 'Model config as JSON text (see docs/api/models.md); for a version it defaults to the current config' },
  },
};
