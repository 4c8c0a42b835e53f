export interface TokenFormFields {
  name: string;
  allowedModels: string;
  ipAllowlist: string;
  rateLimitPerMinute: string;
  monthlyQuota: string;
  /** yyyy-mm-dd from a date input; the token expires at the end of that day (UTC). */
  expiresAt: string;
}

export interface TokenBody {
  name: string;
  allowedModels: string[];
  ipAllowlist: string[];
  rateLimitPerMinute: number | null;
  monthlyQuota: number | null;
  expiresAt: string | null;
}

const list = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);

function positiveInt(text: string, label: string): number | null | string {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : `${label} must be a whole number above 0`;
}

/** The form's text fields as the create-token body; the server validates again and has the last word. */
export function parseTokenForm(fields: TokenFormFields): { ok: true; value: TokenBody } | { ok: false; error: string } {
  if (!fields.name.trim()) return { ok: false, error: 'Give the token a name' };
  const allowedModels = list(fields.allowedModels);
  if (allowedModels.length === 0) return { ok: false, error: 'List at least one model, or * for every model' };
  const rate = positiveInt(fields.rateLimitPerMinute, 'The rate limit');
  if (typeof rate === 'string') return { ok: false, error: rate };
  const quota = positiveInt(fields.monthlyQuota, 'The monthly quota');
  if (typeof quota === 'string') return { ok: false, error: quota };
  let expiresAt: string | null = null;
  if (fields.expiresAt) {
    const end = new Date(`${fields.expiresAt}T23:59:59.999Z`);
    if (Number.isNaN(end.getTime())) return { ok: false, error: 'The expiry date is not a date' };
    expiresAt = end.toISOString();
  }
  return { ok: true, value: { name: fields.name.trim(), allowedModels, ipAllowlist: list(fields.ipAllowlist), rateLimitPerMinute: rate, monthlyQuota: quota, expiresAt } };
}
