import { z } from 'zod';

/** Response shape of a model's statistics (OpenAPI only). */
const latencySchema = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), samples: z.number() });

export const modelStatsResponseSchema = z.object({
  modelId: z.string(),
  requests: z.object({ total: z.number(), success: z.number(), errors: z.number(), byOutcome: z.record(z.string(), z.number()) }),
  errorsByCode: z.record(z.string(), z.number()),
  latencyMs: z.object({ queue: latencySchema, compute: latencySchema, total: latencySchema }),
  batchSizes: z.record(z.string(), z.number()),
  queueDepth: z.number(),
});
