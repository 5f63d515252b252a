import type { Connection } from '../connection.js'
import type { DataCheck } from '../../schema/data-checks.js'
import type { ColumnType } from '../../schema/ir.js'
import { quoteSqliteIdentifier as q } from './quote.js'

const NUMERIC_KINDS = new Set(['smallint', 'integer', 'bigint', 'decimal', 'real', 'double'])
const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint'])

// SQLite has no regular expressions of its own; GLOB patterns and typeof() say enough here.
function unconvertible(col: string, from: ColumnType, to: ColumnType): string | undefined {
  const text = `trim(CAST(${col} AS TEXT))`
  if (INTEGER_KINDS.has(to.kind)) {
    if (NUMERIC_KINDS.has(from.kind)) return `${col} <> CAST(${col} AS INTEGER)`
    return `NOT (typeof(${col}) = 'integer' OR (${text} <> '' AND ltrim(${text}, '+-') NOT GLOB '*[^0-9]*' AND ltrim(${text}, '+-') <> ''))`
  }
  if (NUMERIC_KINDS.has(to.kind)) {
    if (NUMERIC_KINDS.has(from.kind)) return undefined
    return `NOT (typeof(${col}) IN ('integer', 'real') OR (${text} <> '' AND ${text} NOT GLOB '*[^-+.eE0-9]*' AND ${text} GLOB '*[0-9]*'))`
  }
  if (to.kind === 'boolean')
    return `lower(${text}) NOT IN ('t','true','f','false','1','0','yes','no','y','n','on','off')`
  if (to.kind === 'date' || to.kind === 'timestamp')
    return `NOT (${text} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*')`
  if (to.kind === 'varchar' || to.kind === 'char') return `length(CAST(${col} AS TEXT)) > ${to.length}`
  if (to.kind === 'text') return '0'
  return undefined
}

export async function countSqliteRows(conn: Connection, check: DataCheck): Promise<number | undefined> {
  const t = q(check.table.name)
  let sql: string
  switch (check.kind) {
    case 'nulls':
      sql = `SELECT count(*) AS n FROM ${t} WHERE ${q(check.column)} IS NULL`
      break
    case 'any-rows':
      sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${t} LIMIT 1)`
      break
    case 'too-long':
      sql = `SELECT count(*) AS n FROM ${t} WHERE length(CAST(${q(check.column)} AS TEXT)) > ${Number(check.length)}`
      break
    case 'not-convertible': {
      const pred = unconvertible(q(check.column), check.from, check.to)
      if (!pred) return undefined
      sql = `SELECT count(*) AS n FROM ${t} WHERE ${q(check.column)} IS NOT NULL AND (${pred})`
      break
    }
    case 'duplicates': {
      const cols = check.columns.map(q).join(', ')
      sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${t} GROUP BY ${cols} HAVING count(*) > 1)`
      break
    }
  }
  const r = await conn.query<{ n: number }>(sql)
  return Number(r.rows[0]?.n ?? 0)
}
