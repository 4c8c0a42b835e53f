import type { DataSource } from 'typeorm';

/**
 * The small differences between SQLite and PostgreSQL that hand-written SQL has to respect. The
 * SQL is written once, in SQLite's spelling where both agree, and adapted here.
 */
export class SqlDialect {
  readonly postgres: boolean;

  constructor(dataSource: Pick<DataSource, 'options'>) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** `?` placeholders become `$1, $2, …` on PostgreSQL. The SQL must not contain a literal `?`. */
  positional(sql: string): string {
    if (!this.postgres) return sql;
    let index = 0;
    return sql.replace(/\?/g, () => `$${++index}`);
  }

  /** Case-insensitive LIKE for ASCII, as SQLite's LIKE is by default. */
  get like(): string {
    return this.postgres ? 'ILIKE' : 'LIKE';
  }

  /** `column = :param`, case-insensitively (SQLite: NOCASE; PostgreSQL: LOWER(), which the unique index also uses). */
  equalsIgnoringCase(column: string, parameter: string): string {
    return this.postgres ? `LOWER(${column}) = LOWER(:${parameter})` : `${column} = :${parameter} COLLATE NOCASE`;
  }
}

/** A unique index refused the write (SQLite's message, or PostgreSQL's SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  if ((error as { code?: unknown })?.code === '23505') return true;
  const message = String((error as Error)?.message ?? error);
  return /UNIQUE constraint failed|duplicate key value violates unique constraint/i.test(message);
}
