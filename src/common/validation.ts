import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ApiError } from './api-error.js';

/** Turns zod issues into the `details` of a 400 VALIDATION_FAILED: one entry per field. */
export function describeIssues(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

/** Validates and coerces a body or query against a zod schema. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly code = 'VALIDATION_FAILED',
  ) {}

  transform(value: unknown): z.infer<T> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) {
      throw ApiError.badRequest(this.code, 'Request validation failed', describeIssues(result.error));
    }
    return result.data;
  }
}

/** JSON Schema for OpenAPI, generated from the same zod schema that validates the request. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** Pagination query shared by every list route. */
export const paginationSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** The OpenAPI schema of a paginated list response: {items, total}. */
export function listResponseSchema(item: z.ZodType): Record<string, unknown> {
  return openApiSchema(z.object({ items: z.array(item), total: z.number().int() }));
}
