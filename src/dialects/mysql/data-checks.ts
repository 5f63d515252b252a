import type { Connection } from '../connection.js'
import type { DataCheck } from '../../schema/data-checks.js'
import type { ColumnType } from '../../schema/ir.js'
import { qualifiedMysqlName as qn, quoteMysqlIdentifier as q } from './quote.js'

// POSIX classes rather than backslash escapes: the same pattern under MySQL 8's ICU and
// MariaDB's PCRE (https://dev.mysql.com/doc/refman/8.0/en/regexp.html, https://mariadb.com/kb/en/regular-expressions-overview/).
const INTEGER = `'^[[:space:]]*[-+]?[0-9]+[[:space:]]*$'`
const NUMBER = `'^[[:space:]]*[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$'`
const BOOLEAN = `('t','true','f','false','1','0','yes','no','y','n','on','off')`
const DATE = `'^[[:space:]]*[0-9]{4}-[0-9]{2}-[0-9]{2}'`

const NUMERIC_KINDS = new Set(['smallint', 'integer', 'bigint', 'decimal', 'real', 'double', 'boolean'])
const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint'])

/** A predicate true for a value of `col` that won't convert to `to`, or undefined when unknown. */
function unconvertible(col: string, from: ColumnType, to: ColumnType): string | undefined {
  const text = `CAST(${col} AS CHAR)`
  if (INTEGER_KINDS.has(to.kind)) {
    // A fractional number would be rounded: data changed, so count it too.
    if (NUMERIC_KINDS.has(from.kind)) return `${col} <> ROUND(${col})`
    return `NOT (${text} REGEXP ${INTEGER})`
  }
  if (NUMERIC_KINDS.has(to.kind) && to.kind !== 'boolean') return NUMERIC_KINDS.has(from.kind) ? undefined : `NOT (${text} REGEXP ${NUMBER})`
  if (to.kind === 'boolean') return `LOWER(TRIM(${text})) NOT IN ${BOOLEAN}`
  if (to.kind === 'date' || to.kind === 'timestamp') return `NOT (${text} REGEXP ${DATE})`
  if (to.kind === 'varchar' || to.kind === 'char') return `CHAR_LENGTH(${text}) > ${Number(to.length)}`
  if (to.kind === 'text') return 'FALSE'
  return undefined
}

/** Counts the rows a data check finds, with one read-only query. */
export async function countMysqlRows(conn: Connection, check: DataCheck): Promise<number | undefined> {
  const t = qn(check.table)
  let sql: string
  switch (check.kind) {
    case 'nulls':
      sql = `SELECT COUNT(*) AS n FROM ${t} WHERE ${q(check.column)} IS NULL`
      break
    case 'any-rows':
      sql = `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${t} LIMIT 1) s`
      break
    case 'too-long':
      sql = `SELECT COUNT(*) AS n FROM ${t} WHERE CHAR_LENGTH(${q(check.column)}) > ${Number(check.length)}`
      break
    case 'not-convertible': {
      const pred = unconvertible(q(check.column), check.from, check.to)
      if (!pred) return undefined
      sql = `SELECT COUNT(*) AS n FROM ${t} WHERE ${q(check.column)} IS NOT NULL AND (${pred})`
      break
    }
    case 'duplicates': {
      // Rows with a NULL in the key never collide in a unique index; equality follows the collation, as the index does.
      const cols = check.columns.map(q)
      sql =
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${t} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')} ` +
        `GROUP BY ${cols.join(', ')} HAVING COUNT(*) > 1) s`
      break
    }
  }
  const r = await conn.query<{ n: number | string }>(sql)
  return Number(r.rows[0]?.n ?? 0)
}
