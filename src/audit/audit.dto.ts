import { z } from 'zod';
import { paginationSchema } from '../common/validation.js';

export const auditQuerySchema = paginationSchema.extend({
  action: z.string().min(1).max(64).optional(),
  actor: z.string().min(1).max(64).optional(),
});
export type AuditQueryDto = z.infer<typeof auditQuerySchema>;
