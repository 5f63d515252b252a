import { describe, expect, it } from 'vitest'
import { migrationChecksum, parseSqlMigration } from '../../src/index.js'
import { concurrentIndexTarget, isNonTransactionalSql, splitStatements } from '../../src/migrations/sql-text.js'

describe('reading migration SQL', () => {
  it('splits on top-level semicolons only', () => {
    expect(
      splitStatements(
        `CREATE TABLE "a;b" (x text DEFAULT ';', y text DEFAULT 'it''s;');\n` +
          `-- a comment; with a semicolon\n/* and; another */\n` +
          `CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;\n` +
          `CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 1; DELETE FROM u; END;\n` +
          `SELECT \`weird;name\` FROM t;;\n-- trailing comment only\n`,
      ),
    ).toEqual([
      `CREATE TABLE "a;b" (x text DEFAULT ';', y text DEFAULT 'it''s;')`,
      `-- a comment; with a semicolon\n/* and; another */\nCREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql`,
      'CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 1; DELETE FROM u; END',
      'SELECT `weird;name` FROM t',
    ])
  })

  it('recognises statements that cannot run in a transaction by their SQL', () => {
    expect(isNonTransactionalSql('CREATE INDEX CONCURRENTLY "i" ON "t" ("a")')).toBe(true)
    expect(isNonTransactionalSql('-- why\n  create unique index concurrently if not exists i on s.t (a)')).toBe(true)
    expect(isNonTransactionalSql('DROP INDEX CONCURRENTLY "i"')).toBe(true)
    expect(isNonTransactionalSql('REINDEX INDEX CONCURRENTLY "i"')).toBe(true)
    expect(isNonTransactionalSql('VACUUM ANALYZE "t"')).toBe(true)
    expect(isNonTransactionalSql('CREATE INDEX "concurrently" ON "t" ("a")')).toBe(false)
    expect(isNonTransactionalSql(`INSERT INTO t VALUES ('CREATE INDEX CONCURRENTLY')`)).toBe(false)
    expect(concurrentIndexTarget('CREATE UNIQUE INDEX CONCURRENTLY "My ""Idx""" ON "s"."T" ("a")')).toEqual({
      index: 'My "Idx"',
      table: { schema: 's', name: 'T' },
    })
    expect(concurrentIndexTarget('create index concurrently IF NOT EXISTS Idx on ONLY Tbl (a)')).toEqual({ index: 'idx', table: { name: 'tbl' } })
  })

  it('parses -- up / -- down sections and checksums independent of line endings', () => {
    expect(parseSqlMigration('-- up\nCREATE TABLE t (x int);\n-- down\nDROP TABLE t;\n')).toEqual({ up: ['CREATE TABLE t (x int)'], down: ['DROP TABLE t'] })
    expect(parseSqlMigration('CREATE TABLE t (x int);')).toEqual({ up: ['CREATE TABLE t (x int)'] })
    expect(parseSqlMigration('-- migrate:up\r\nSELECT 1;\r\n-- migrate:down\r\n')).toEqual({ up: ['SELECT 1'], down: [] })
    expect(migrationChecksum('a\r\nb\n')).toBe(migrationChecksum('\uFEFFa\nb\n'))
    expect(migrationChecksum('a\nb\n')).not.toBe(migrationChecksum('a\nb \n'))
  })
})
