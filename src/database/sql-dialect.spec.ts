import { describe, expect, it } from 'vitest';
import { isUniqueViolation, SqlDialect } from './sql-dialect.js';

const sqlite = new SqlDialect({ options: { type: 'sqlite', database: ':memory:' } });
const postgres = new SqlDialect({ options: { type: 'postgres' } });

describe('SqlDialect', () => {
  it('keeps SQLite SQL as written and numbers placeholders for PostgreSQL', () => {
    const sql = 'SELECT 1 FROM "t" WHERE "a" = ? AND "b" IN (?, ?)';
    expect(sqlite.positional(sql)).toBe(sql);
    expect(postgres.positional(sql)).toBe('SELECT 1 FROM "t" WHERE "a" = $1 AND "b" IN ($2, $3)');
  });

  it('spells case-insensitive matching per dialect', () => {
    expect([sqlite.like, postgres.like]).toEqual(['LIKE', 'ILIKE']);
    expect(sqlite.equalsIgnoringCase('u.name', 'name')).toBe('u.name = :name COLLATE NOCASE');
    expect(postgres.equalsIgnoringCase('u.name', 'name')).toBe('LOWER(u.name) = LOWER(:name)');
  });
});

describe('isUniqueViolation', () => {
  it('recognises both drivers and nothing else', () => {
    expect(isUniqueViolation(new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: users.username'))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505' }))).toBe(true);
    expect(isUniqueViolation(new Error('connection refused'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
