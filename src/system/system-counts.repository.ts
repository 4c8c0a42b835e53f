import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

interface TokenStateRow {
  expiresAt: string | null;
  disabledAt: string | null;
  revokedAt: string | null;
}

/** Raw counts for the system overview. A table that does not exist yet counts as empty. */
@Injectable()
export class SystemCountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async modelsByStatus(): Promise<Record<string, number>> {
    try {
      const rows: Array<{ status: string; count: number }> = await this.dataSource.query('SELECT "status" AS status, COUNT(*) AS count FROM "models" GROUP BY "status"');
      return Object.fromEntries(rows.map((row) => [String(row.status), Number(row.count)]));
    } catch {
      return {};
    }
  }

  /** Access tokens by effective status: revoked, then disabled, then expired, else active. */
  async tokensByStatus(now: Date): Promise<Record<string, number>> {
    let rows: TokenStateRow[];
    try {
      rows = await this.dataSource.query('SELECT "expiresAt", "disabledAt", "revokedAt" FROM "access_tokens"');
    } catch {
      return {};
    }
    const counts: Record<string, number> = { active: 0, disabled: 0, revoked: 0, expired: 0 };
    for (const row of rows) {
      const expiresAt = row.expiresAt ? parseStoredDate(row.expiresAt) : undefined;
      const status = row.revokedAt ? 'revoked' : row.disabledAt ? 'disabled' : expiresAt !== undefined && expiresAt <= now.getTime() ? 'expired' : 'active';
      counts[status] += 1;
    }
    return counts;
  }
}

/** SQLite holds dates as ISO strings or TypeORM's "YYYY-MM-DD HH:MM:SS.SSS" (UTC) or epoch numbers. */
function parseStoredDate(value: string | number): number | undefined {
  if (typeof value === 'number') return value;
  const iso = /^\d{4}-\d{2}-\d{2} \d/.test(value) ? `${value.replace(' ', 'T')}${/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? '' : 'Z'}` : value;
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? undefined : parsed;
}
