import { z } from 'zod';
import { paginationSchema } from '../common/validation.js';
import { parseIpRange } from '../common/client-ip.js';
import { ACCESS_TOKEN_STATUSES, ALL_MODELS } from './access-token.types.js';
import { modelNameProblem } from '../models/model-name.js';

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters');

const description = z.string().max(1000);

const allowedModels = z
  .array(
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200)
      .superRefine((entry, context) => {
        const problem = entry === ALL_MODELS ? null : modelNameProblem(entry);
        if (problem) context.addIssue({ code: 'custom', message: `is not a model id or name that can exist: it ${problem}` });
      }),
  )
  .min(1, 'list at least one model id, or ["*"] for every model')
  .max(1000)
  .refine((models) => !models.includes(ALL_MODELS) || models.length === 1, '"*" must be the only entry when used')
  .transform((models) => [...new Set(models)]);

const ipAllowlist = z
  .array(
    z
      .string()
      .trim()
      .max(64)
      .refine((entry) => parseIpRange(entry) !== null, 'must be an IP address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32'),
  )
  .max(256)
  .transform((entries) => [...new Set(entries)]);

const rateLimitPerMinute = z.number().int().min(1).max(1_000_000).nullable();
const monthlyQuota = z.number().int().min(1).max(1_000_000_000_000).nullable();
const expiresAt = z.iso.datetime({ offset: true }).nullable();

export const createTokenSchema = z.strictObject({
  name,
  description: description.default(''),
  allowedModels,
  ipAllowlist: ipAllowlist.default([]),
  rateLimitPerMinute: rateLimitPerMinute.default(null),
  monthlyQuota: monthlyQuota.default(null),
  expiresAt: expiresAt.default(null),
});
export type CreateTokenDto = z.infer<typeof createTokenSchema>;

export const updateTokenSchema = z
  .strictObject({
    name: name.optional(),
    description: description.optional(),
    allowedModels: allowedModels.optional(),
    ipAllowlist: ipAllowlist.optional(),
    rateLimitPerMinute: rateLimitPerMinute.optional(),
    monthlyQuota: monthlyQuota.optional(),
    expiresAt: expiresAt.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'change at least one field');
export type UpdateTokenDto = z.infer<typeof updateTokenSchema>;

export const listTokensSchema = paginationSchema.extend({
  status: z.enum(ACCESS_TOKEN_STATUSES as [string, ...string[]]).optional(),
  search: z.string().trim().max(100).optional(),
});
export type ListTokensQuery = z.infer<typeof listTokensSchema>;

/** What the admin API shows about a token; never the secret or its hash. */
export interface AccessTokenView {
  id: string;
  name: string;
  description: string;
  tokenPreview: string;
  allowedModels: string[];
  ipAllowlist: string[];
  rateLimitPerMinute: number | null;
  monthlyQuota: number | null;
  expiresAt: string | null;
  status: string;
  usedThisMonth: number;
  remainingQuota: number | null;
  lastUsedAt: string | null;
  disabledAt: string | null;
  revokedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Only the create and rotate responses carry the secret, once. */
export interface IssuedAccessTokenView extends AccessTokenView {
  token: string;
}
