import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { migrationChecksum, parseSqlMigration } from '../../src/index.js'
import { mysqlGrammar } from '../../src/dialects/mysql/sql-text.js'
import { concurrentIndexTarget, postgresGrammar } from '../../src/dialects/postgres/sql-text.js'
import { isNonTransactionalSql as isNonTransactional, splitStatements, splitTopLevelLines, standardSqlGrammar, stripComments } from '../../src/dialects/sql-text.js'
import { sqliteGrammar } from '../../src/dialects/sqlite/sql-text.js'

const isNonTransactionalSql = (sql: string) => isNonTransactional(sql, postgresGrammar)

describe('reading migration SQL', () => {
  it('splits on top-level semicolons only', () => {
    expect(
      splitStatements(
        `CREATE TABLE "a;b" (x text DEFAULT ';', y text DEFAULT 'it''s;');\n` +
          `-- a comment; with a semicolon\n/* and; another */\n` +
          `CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;;\n-- trailing comment only\n`,
        postgresGrammar,
      ),
    ).toEqual([
      `CREATE TABLE "a;b" (x text DEFAULT ';', y text DEFAULT 'it''s;')`,
      `-- a comment; with a semicolon\n/* and; another */\nCREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql`,
    ])
    for (const grammar of [sqliteGrammar, mysqlGrammar])
      expect(
        splitStatements(`CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 1; DELETE FROM u; END;\nSELECT \`weird;name\` FROM t;`, grammar),
      ).toEqual(['CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 1; DELETE FROM u; END', 'SELECT `weird;name` FROM t'])
  })

  it('keeps a PostgreSQL BEGIN ATOMIC body whole, CASE … END and quoted END included', () => {
    const body = `CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 'end;';\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 2 END; -- end;\n  SELECT "end" FROM t;\nEND`
    const proc = `CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END`
    expect(splitStatements(`${body};\n${proc};\nSELECT 1; SELECT 2;`, postgresGrammar)).toEqual([body, proc, 'SELECT 1', 'SELECT 2'])
    // A function with a quoted body, or one without BEGIN ATOMIC, ends at its semicolon as before.
    expect(splitStatements(`CREATE FUNCTION g() RETURNS int LANGUAGE sql RETURN 1; SELECT 3;`, postgresGrammar)).toEqual([
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql RETURN 1',
      'SELECT 3',
    ])
    // Other engines have no such body: BEGIN ATOMIC means nothing to their scanner.
    expect(splitStatements(proc, mysqlGrammar)).toHaveLength(3)
  })

  it('splits any script of generated PostgreSQL statements back into them, atomic bodies and all', () => {
    const text = fc.constantFrom(`'a;b'`, `'end;'`, `'it''s; fine'`, `$q$ ; END; $q$`, `"col;umn"`, `1`)
    const simple = text.map((t) => `SELECT ${t}`)
    const commented = fc.tuple(fc.constantFrom('-- note; here\n', '/* block; END */ '), simple).map(([c, st]) => `${c}${st}`)
    const inner = fc.oneof(simple, text.map((t) => `SELECT CASE WHEN x > 0 THEN ${t} ELSE 0 END`))
    const atomic = fc
      .tuple(fc.constantFrom('FUNCTION f(x int) RETURNS int LANGUAGE sql', 'PROCEDURE p() LANGUAGE sql'), fc.array(inner, { minLength: 1, maxLength: 4 }))
      .map(([head, body]) => `CREATE OR REPLACE ${head}\nBEGIN ATOMIC\n  ${body.join(';\n  ')};\nEND`)
    fc.assert(
      fc.property(fc.array(fc.oneof(simple, commented, atomic), { minLength: 1, maxLength: 6 }), (statements) => {
        expect(splitStatements(statements.join(';\n') + ';\n', postgresGrammar)).toEqual(statements)
      }),
      { numRuns: Number(process.env.SQL_SPLIT_RUNS ?? 200) },
    )
  })

  it("reads each engine's own quotes and comments, and no other engine's", () => {
    // MySQL: backslash escapes in strings, `#` comments; no dollar quotes (`$` may be part of a name).
    expect(splitStatements(`INSERT INTO t VALUES ('it\\'s; fine'); # note; here\nCREATE TABLE a$b$ (x int); SELECT 'c$b$';`, mysqlGrammar)).toEqual([
      `INSERT INTO t VALUES ('it\\'s; fine')`,
      `# note; here\nCREATE TABLE a$b$ (x int)`,
      `SELECT 'c$b$'`,
    ])
    // SQLite: [bracketed] names; a dollar sign quotes nothing.
    expect(splitStatements(`CREATE TABLE [a;b] (x int); SELECT $x$; SELECT 1;`, sqliteGrammar)).toEqual(['CREATE TABLE [a;b] (x int)', 'SELECT $x$', 'SELECT 1'])
    // PostgreSQL: a `$` inside a name opens no dollar quote; a backslash escapes nothing in a standard string.
    expect(splitStatements(`CREATE TABLE x$y$z (a int); SELECT 'x\\'; SELECT $y$;$y$;`, postgresGrammar)).toEqual([
      'CREATE TABLE x$y$z (a int)',
      `SELECT 'x\\'`,
      'SELECT $y$;$y$',
    ])
    expect(stripComments(`SELECT 1 # not a comment on PostgreSQL`, postgresGrammar)).toBe(`SELECT 1 # not a comment on PostgreSQL`)
    expect(stripComments(`SELECT 1 # a comment on MySQL`, mysqlGrammar)).toBe(`SELECT 1  `)
    expect(splitTopLevelLines(`SELECT $q$\n-- down\n$q$;\n-- down\nSELECT 2`, postgresGrammar)).toEqual([`SELECT $q$\n-- down\n$q$;`, '-- down', 'SELECT 2'])
    expect(splitTopLevelLines(`SELECT [a\nb];\r\nx`, sqliteGrammar)).toEqual([`SELECT [a\nb];`, 'x'])
  })

  it('knows which statements each engine refuses inside a transaction', () => {
    expect(isNonTransactional('VACUUM', sqliteGrammar)).toBe(true)
    expect(isNonTransactional('CREATE INDEX CONCURRENTLY "i" ON "t" ("a")', sqliteGrammar)).toBe(false)
    expect(isNonTransactional('CREATE DATABASE x', mysqlGrammar)).toBe(false)
    expect(isNonTransactional('VACUUM', standardSqlGrammar)).toBe(false)
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
