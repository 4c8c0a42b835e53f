import { z } from 'zod';

/** Response shapes of the system routes (OpenAPI only). */
const gpuSampleSchema = z.object({ index: z.number(), utilizationPercent: z.number(), memoryUsedBytes: z.number(), memoryTotalBytes: z.number() });

export const systemInfoResponseSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  startedAt: z.string(),
  node: z.string(),
  platform: z.string(),
  engines: z.array(z.object({ name: z.string(), version: z.string(), available: z.boolean(), reason: z.string().optional() })),
  models: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }),
  tokens: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }),
  hardware: z.object({
    cpu: z.object({ model: z.string(), cores: z.number() }),
    memory: z.object({ totalBytes: z.number(), freeBytes: z.number() }),
    gpus: z.array(gpuSampleSchema),
    gpuReason: z.string().nullable(),
  }),
});

export const systemSeriesResponseSchema = z.object({
  intervalMs: z.number(),
  retentionSamples: z.number(),
  items: z.array(
    z.object({
      timestamp: z.string(),
      cpuPercent: z.number(),
      memoryUsedBytes: z.number(),
      memoryTotalBytes: z.number(),
      rssBytes: z.number(),
      gpu: z.array(gpuSampleSchema).nullable(),
    }),
  ),
});

export const engineResponseSchema = z.object({
  name: z.string(),
  version: z.string(),
  available: z.boolean(),
  reason: z.string().nullable().describe('Why the engine (or a better backend) is unavailable'),
  backend: z.string().nullable(),
  devices: z.array(z.string()),
  formats: z.array(z.string()),
});

export const replicasResponseSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      address: z.string().describe('How this replica is reached (REPLICA_ADDRESS, or host:port)'),
      version: z.string(),
      startedAt: z.string(),
      lastHeartbeatAt: z.string(),
      models: z.array(z.object({ modelId: z.string(), version: z.number() })).describe('Models this replica serves, at the version it serves'),
    }),
  ),
});
