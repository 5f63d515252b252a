import type { Connection } from '../connection.js'
import type { DataCheck } from '../../schema/data-checks.js'
import type { ColumnType } from '../../schema/ir.js'
import { qualifiedName, quotePostgresIdentifier as q } from './quote.js'

const INTEGER = `'^\\s*[-+]?[0-9]+\\s*$'`
const NUMBER = `'^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$'`
const BOOLEAN = `('t','true','f','false','1','0','yes','no','y','n','on','off')`
const DATE = `'^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}'`

const NUMERIC_KINDS = new Set(['smallint', 'integer', 'bigint', 'decimal', 'real', 'double'])
const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint'])

/** A predicate true for a value of `col` that won't convert to `to`, or undefined when unknown. */
function unconvertible(col: string, from: ColumnType, to: ColumnType): string | undefined {
  const text = `${col}::text`
  if (INTEGER_KINDS.has(to.kind)) {
    // A fractional number would be rounded: data changed, so count it too.
    if (NUMERIC_KINDS.has(from.kind)) return `${col}::numeric % 1 <> 0`
    return `NOT (${text} ~ ${INTEGER})`
  }
  if (NUMERIC_KINDS.has(to.kind)) return NUMERIC_KINDS.has(from.kind) ? undefined : `NOT (${text} ~ ${NUMBER})`
  if (to.kind === 'boolean') return `lower(trim(${text})) NOT IN ${BOOLEAN}`
  if (to.kind === 'date' || to.kind === 'timestamp') return `NOT (${text} ~ ${DATE})`
  if (to.kind === 'varchar' || to.kind === 'char') return `char_length(${text}) > ${to.length}`
  if (to.kind === 'text') return 'false'
  return undefined
}

/** Counts the rows a data check finds, with one read-only query. */
export async function countPostgresRows(conn: Connection, check: DataCheck): Promise<number | undefined> {
  const t = qualifiedName({ schema: check.table.schema, name: check.table.name })
  let sql: string
  switch (check.kind) {
    case 'nulls':
      sql = `SELECT count(*)::int AS n FROM ${t} WHERE ${q(check.column)} IS NULL`
      break
    case 'any-rows':
      sql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${t} LIMIT 1) s`
      break
    case 'too-long':
      sql = `SELECT count(*)::int AS n FROM ${t} WHERE char_length(${q(check.column)}::text) > ${Number(check.length)}`
      break
    case 'not-convertible': {
      const pred = unconvertible(q(check.column), check.from, check.to)
      if (!pred) return undefined
      sql = `SELECT count(*)::int AS n FROM ${t} WHERE ${q(check.column)} IS NOT NULL AND (${pred})`
      break
    }
    case 'duplicates': {
      const cols = check.columns.map(q).join(', ')
      sql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${t} GROUP BY ${cols} HAVING count(*) > 1) s`
      break
    }
  }
  const r = await conn.query<{ n: number }>(sql)
  return Number(r.rows[0]?.n ?? 0)
}
