import { z } from 'zod';

/** Response shape of an access token (OpenAPI only): never the secret or its hash. */
export const accessTokenResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tokenPreview: z.string().describe('The first characters of the secret, to recognise it'),
  allowedModels: z.array(z.string()),
  ipAllowlist: z.array(z.string()),
  rateLimitPerMinute: z.number().int().nullable(),
  monthlyQuota: z.number().int().nullable(),
  expiresAt: z.string().nullable(),
  status: z.enum(['active', 'disabled', 'revoked', 'expired']),
  usedThisMonth: z.number().int(),
  remainingQuota: z.number().int().nullable(),
  lastUsedAt: z.string().nullable(),
  disabledAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Create and rotate answer with the secret, shown this once. */
export const issuedAccessTokenResponseSchema = accessTokenResponseSchema.extend({ token: z.string().describe('The secret; it is never shown again') });
