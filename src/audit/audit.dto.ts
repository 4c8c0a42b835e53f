import { z } from 'zod';
import { paginationSchema } from '../common/validation.js';

export const auditQuerySchema = paginationSchema.extend({
  action: z.string().min(1).max(64).optional(),
  actor: z.string().min(1).max(64).optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  /** Entries at or after this moment (ISO 8601). */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Entries before this moment (ISO 8601). */
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditQueryDto = z.infer<typeof auditQuerySchema>;
