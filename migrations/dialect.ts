import type { QueryRunner } from 'typeorm';

/**
 * The few places where the SQLite and PostgreSQL schemas are spelled differently. Every migration
 * builds both from one text; SQLite's spelling is exactly what earlier releases created.
 */
export interface Dialect {
  postgres: boolean;
  /** A point in time (SQLite: ISO text via datetime; PostgreSQL: timestamptz). */
  timestamp: string;
  /** Default for a creation time: now, in UTC. */
  now: string;
  /** A point in time kept as ISO-8601 text by the entity (compares in time order as text). */
  isoText: string;
  /** Default for an isoText column: now, as ISO-8601 UTC text. */
  isoNow: string;
  /** An auto-incrementing integer primary key. */
  serialKey: string;
  /** An integer that may exceed 2^31 (byte sizes). */
  bigint: string;
  /** Collation clause for case-insensitive text (PostgreSQL uses a unique index on LOWER() instead). */
  nocase: string;
}

export function dialectOf(queryRunner: QueryRunner): Dialect {
  const postgres = queryRunner.connection.options.type === 'postgres';
  return postgres
    ? {
        postgres,
        timestamp: 'timestamptz',
        now: 'now()',
        isoText: 'varchar(32)',
        isoNow: `(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
        serialKey: 'serial PRIMARY KEY NOT NULL',
        bigint: 'bigint',
        nocase: '',
      }
    : {
        postgres,
        timestamp: 'datetime',
        now: `(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
        isoText: 'datetime',
        isoNow: `(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
        serialKey: 'integer PRIMARY KEY AUTOINCREMENT NOT NULL',
        bigint: 'integer',
        nocase: ' COLLATE NOCASE',
      };
}
