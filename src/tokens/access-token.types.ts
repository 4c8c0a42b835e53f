/** A stored access token. Only a hash of the secret is ever kept. Times are ISO-8601 UTC strings. */
export interface AccessTokenRecord {
  id: string;
  name: string;
  description: string;
  secretHash: string;
  tokenPreview: string;
  /** ["*"] for every model, otherwise model ids. */
  allowedModels: string[];
  /** Addresses and CIDR ranges; empty means any client address. */
  ipAllowlist: string[];
  rateLimitPerMinute: number | null;
  monthlyQuota: number | null;
  expiresAt: string | null;
  disabledAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export type AccessTokenStatus = 'active' | 'disabled' | 'revoked' | 'expired';
export const ACCESS_TOKEN_STATUSES: readonly AccessTokenStatus[] = ['active', 'disabled', 'revoked', 'expired'];

export const ALL_MODELS = '*';

/** Revoked outranks disabled, which outranks expired: the same order the guard checks them in. */
export function statusOf(token: Pick<AccessTokenRecord, 'revokedAt' | 'disabledAt' | 'expiresAt'>, now: Date): AccessTokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.disabledAt) return 'disabled';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

/** The usage bucket of a moment: its UTC calendar month, "YYYY-MM". */
export function usageMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** Start of the next UTC calendar month, when monthly quotas reset. */
export function startOfNextMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}
