import type { Column } from '../../schema/ir.js'
import type { MatchOperator, MatchSql, ValueCodec, ValueConverter } from '../dialect.js'

// SQLite has no boolean, date or JSON storage (https://www.sqlite.org/datatype3.html):
// booleans are stored as 0/1, dates as ISO-8601 UTC text with milliseconds (the same text as
// the column default SQLITE_NOW, so text comparison orders them), JSON as text.

const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string | number))
const encodeDate: ValueConverter = (v) => toDate(v).toISOString()
const encodeBoolean: ValueConverter = (v) => (v ? 1 : 0)
const encodeJson: ValueConverter = (v) => JSON.stringify(v)

// CURRENT_TIMESTAMP writes 'YYYY-MM-DD HH:MM:SS' in UTC without a zone, which Date would read as local time.
const SQL_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d(\.\d+)?)?$/
const decodeDate: ValueConverter = (v) => {
  if (v instanceof Date) return v
  if (typeof v === 'string' && SQL_DATETIME.test(v)) return new Date(v.replace(' ', 'T') + 'Z')
  return new Date(v as string | number)
}
const decodeBoolean: ValueConverter = (v) => v !== 0 && v !== '0' && v !== false && v !== 0n
const decodeJson: ValueConverter = (v) => (typeof v === 'string' ? JSON.parse(v) : v)
const decodeNumber: ValueConverter = (v) => (typeof v === 'bigint' || typeof v === 'string' ? Number(v) : v)

/** Value conversion between JS and SQLite for repositories. */
export const sqliteValues: ValueCodec = {
  encoder(column: Column) {
    switch (column.type.kind) {
      case 'boolean':
        return encodeBoolean
      case 'timestamp':
      case 'date':
        return encodeDate
      case 'json':
        return encodeJson
      default:
        return undefined
    }
  },
  decoder(column: Column) {
    switch (column.type.kind) {
      case 'boolean':
        return decodeBoolean
      case 'timestamp':
      case 'date':
        return decodeDate
      case 'json':
        return decodeJson
      case 'decimal':
        return decodeNumber
      default:
        return undefined
    }
  },
}

/**
 * SQLite's LIKE ignores ASCII case (https://www.sqlite.org/lang_expr.html#like), so the
 * case-sensitive `like` is a GLOB with the LIKE pattern translated; `ilike` is plain LIKE.
 */
export function renderSqliteMatch(op: MatchOperator, column: string, placeholder: string): MatchSql {
  switch (op) {
    case 'like':
      return { sql: `${column} GLOB ${placeholder}`, pattern: likeToGlob }
    case 'nlike':
      return { sql: `${column} NOT GLOB ${placeholder}`, pattern: likeToGlob }
    case 'ilike':
      return { sql: `${column} LIKE ${placeholder} ESCAPE '\\'` }
    case 'nilike':
      return { sql: `${column} NOT LIKE ${placeholder} ESCAPE '\\'` }
  }
}

/** `%` → `*`, `_` → `?`, GLOB's own specials bracketed, `\x` (LIKE's escape) → a literal x. */
export function likeToGlob(pattern: string): string {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i]!
    if (c === '\\' && i + 1 < pattern.length) {
      c = pattern[++i]!
      out += c === '*' || c === '?' || c === '[' ? `[${c}]` : c
    } else if (c === '%') out += '*'
    else if (c === '_') out += '?'
    else if (c === '*' || c === '?' || c === '[') out += `[${c}]`
    else out += c
  }
  return out
}
