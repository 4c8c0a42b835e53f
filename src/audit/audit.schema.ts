import { z } from 'zod';

/** Response shape of an audit entry (OpenAPI only). */
export const auditEntryResponseSchema = z.object({
  id: z.number().int(),
  action: z.string(),
  actorId: z.string().nullable(),
  actorUsername: z.string().nullable(),
  target: z.string().nullable(),
  outcome: z.enum(['success', 'failure']),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.unknown().nullable(),
  createdAt: z.string(),
});
