import type { Connection } from './connection.js'
import type { DataCheck, KeyValue } from '../schema/data-checks.js'
import type { ColumnType, TableRef } from '../schema/ir.js'
import type { ValueTest } from '../schema/conversions.js'

/**
 * What a dialect supplies for the data checks: how to name things, and how to ask the
 * conversion model's questions (schema/conversions.ts) of a stored value in its own SQL.
 * The queries themselves are the same on every engine (countDataCheckRows).
 */
export interface CheckSql {
  quote(name: string): string
  table(ref: TableRef): string
  literal(value: string | number | boolean): string
  /** SQL true for a non-NULL value of `col` the test is about; undefined when the engine can't tell. */
  valueTest(test: ValueTest, col: string, from: ColumnType, to: ColumnType): string | undefined
  /** The value of `col` once converted from → to, as the plan converts it. */
  convertedValue(col: string, from: ColumnType, to: ColumnType): string
}

/** Counts the rows a data check finds with one read-only query; undefined when the engine can't tell. */
export async function countDataCheckRows(conn: Connection, d: CheckSql, check: DataCheck): Promise<number | undefined> {
  const sql = dataCheckSql(d, check)
  if (sql === undefined) return undefined
  if (sql === 0) return 0
  const r = await conn.query<{ n: number | string }>(sql)
  return Number(r.rows[0]?.n ?? 0)
}

/** The counting query of a check (0 when nothing can be found, undefined when unknown). */
export function dataCheckSql(d: CheckSql, check: DataCheck): string | 0 | undefined {
  const t = d.table(check.table)
  const q = d.quote
  switch (check.kind) {
    case 'nulls':
      return `SELECT count(*) AS n FROM ${t} WHERE ${q(check.column)} IS NULL`
    case 'any-rows':
      return `SELECT count(*) AS n FROM (SELECT 1 AS x FROM ${t} LIMIT 1) s`
    case 'values': {
      const col = q(check.column)
      const sql = (list: ValueTest[]) => list.map((x) => d.valueTest(x, col, check.from, check.to)).filter((x): x is string => x !== undefined)
      const known = sql(check.tests)
      if (!known.length) return undefined
      const unless = sql(check.unless ?? [])
      // CASE asks them in order: a later test may cast what an earlier one has vetted.
      const when = [...unless.map((x) => `WHEN ${x} THEN 0`), ...known.map((x) => `WHEN ${x} THEN 1`)].join(' ')
      return `SELECT count(*) AS n FROM ${t} WHERE ${col} IS NOT NULL AND (CASE ${when} ELSE 0 END) = 1`
    }
    case 'duplicates': {
      const values: KeyValue[] = check.values ?? check.columns.map((column) => ({ kind: 'column', column }))
      // A NULL never collides in a unique key (SQL unique keys allow many NULLs), on every engine.
      if (values.some((v) => v.kind === 'literal' && v.value === null)) return 0
      const exprs = values.map((v) =>
        v.kind === 'literal' ? d.literal(v.value as string | number | boolean) : v.from && v.to ? d.convertedValue(q(v.column), v.from, v.to) : q(v.column),
      )
      const keys = exprs.map((_, i) => `k${i}`)
      return (
        `SELECT count(*) AS n FROM (SELECT 1 AS x FROM (SELECT ${exprs.map((e, i) => `${e} AS ${keys[i]}`).join(', ')} FROM ${t}) v ` +
        `WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')} GROUP BY ${keys.join(', ')} HAVING count(*) > 1) s`
      )
    }
    case 'orphans': {
      const set = check.columns.map((c) => `c.${q(c)} IS NOT NULL`).join(' AND ')
      if (check.references.isNew) return `SELECT count(*) AS n FROM ${t} c WHERE ${set}`
      const match = check.columns.map((c, i) => `p.${q(check.references.columns[i]!)} = c.${q(c)}`).join(' AND ')
      return `SELECT count(*) AS n FROM ${t} c WHERE ${set} AND NOT EXISTS (SELECT 1 FROM ${d.table(check.references.table)} p WHERE ${match})`
    }
  }
}

/**
 * SQL true when `s` (text already shaped YYYY-MM-DD…) names a real calendar day, in the
 * arithmetic every engine shares; `int` turns a substring into an integer.
 */
export function isCalendarDate(s: string, f: SqlText): string {
  const { int, sub } = f
  const y = int(sub(s, 1, 4))
  const m = int(sub(s, 6, 2))
  const day = int(sub(s, 9, 2))
  const feb = `CASE WHEN (${y} % 4 = 0 AND ${y} % 100 <> 0) OR ${y} % 400 = 0 THEN 29 ELSE 28 END`
  return `(${y} >= 1 AND ${m} BETWEEN 1 AND 12 AND ${day} BETWEEN 1 AND CASE WHEN ${m} = 2 THEN ${feb} WHEN ${m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)`
}

/** SQL true when HH:MM[:SS] starting at `at` in `s` is a real time of day. */
export function isClockTime(s: string, at: number, f: SqlText): string {
  const { int, sub } = f
  const h = int(sub(s, at, 2))
  const mi = int(sub(s, at + 3, 2))
  const se = `CASE WHEN ${f.len(s)} >= ${at + 7} THEN ${int(sub(s, at + 6, 2))} ELSE 0 END`
  return `(${h} < 24 AND ${mi} < 60 AND ${se} < 60)`
}

/** An engine's spelling of the few text functions the shared checks use. */
export interface SqlText {
  /** Text → integer. */
  int(text: string): string
  /** 1-based substring. */
  sub(s: string, from: number, length: number): string
  /** Length in characters. */
  len(s: string): string
}

// The shapes of text each conversion accepts, as POSIX regular expressions (PostgreSQL's and
// MariaDB's alike); SQLite, without regular expressions, spells the same shapes in GLOB.
export const TEXT_SHAPES = {
  integer: '^ *[-+]?[0-9]+ *$',
  number: '^ *[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)? *$',
  date: '^ *[0-9]{4}-[0-9]{2}-[0-9]{2} *$',
  timestamp: '^ *[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)? *$',
  time: '^ *[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)? *$',
  // No spaces around: PostgreSQL's uuid input takes none.
  uuid: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
} as const

export const BOOLEAN_TRUE = ['t', 'true', 'y', 'yes', 'on', '1']
export const BOOLEAN_FALSE = ['f', 'false', 'n', 'no', 'off', '0']
