import { z } from 'zod';

/** Response shape of a user (OpenAPI only; never the password hash). */
export const userResponseSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(['admin', 'operator', 'viewer']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
