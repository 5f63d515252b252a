import type { Column } from '../../schema/ir.js'
import type { MatchOperator, MatchSql, ValueCodec, ValueConverter } from '../dialect.js'

// What mysql2 gives and takes (https://sidorares.github.io/node-mysql2/docs): TINYINT(1) arrives
// as 0/1, DECIMAL as a string, BIGINT as a number when it fits (supportBigNumbers) else a string,
// DATETIME as a Date read in UTC (the pool's `timezone: 'Z'`, the session's time_zone '+00:00'),
// JSON parsed on MySQL 8 but as text on MariaDB (LONGTEXT). A JS object bound as a value would
// become `key = value` pairs, so JSON is always sent as text.

const toDate: ValueConverter = (v) => (v instanceof Date ? v : new Date(v as string | number))
const toJsonText: ValueConverter = (v) => JSON.stringify(v)
const toBoolean: ValueConverter = (v) => v !== 0 && v !== '0' && v !== false && v !== 0n
const fromJson: ValueConverter = (v) => (typeof v === 'string' ? JSON.parse(v) : Buffer.isBuffer(v) ? JSON.parse(v.toString('utf8')) : v)
const toNumber: ValueConverter = (v) => (typeof v === 'string' || typeof v === 'bigint' ? Number(v) : v)

/** Value conversion between JS and MySQL/MariaDB for repositories. */
export const mysqlValues: ValueCodec = {
  encoder(column: Column) {
    switch (column.type.kind) {
      case 'timestamp':
      case 'date':
        return toDate
      case 'json':
        return toJsonText
      default:
        return undefined
    }
  },
  decoder(column: Column) {
    switch (column.type.kind) {
      case 'boolean':
        return toBoolean
      case 'json':
        return fromJson
      case 'decimal':
      case 'bigint':
        return toNumber
      default:
        return undefined
    }
  },
}

/**
 * MySQL's LIKE follows the column's collation, and utf8mb4_unicode_ci ignores case, so the
 * case-sensitive `like` compares under the binary collation; `ilike` lower-cases both sides,
 * which ignores case under any collation (https://dev.mysql.com/doc/refman/8.0/en/string-comparison-functions.html).
 */
export function renderMysqlMatch(op: MatchOperator, column: string, placeholder: string): MatchSql {
  switch (op) {
    case 'like':
      return { sql: `${column} LIKE ${placeholder} COLLATE utf8mb4_bin` }
    case 'nlike':
      return { sql: `${column} NOT LIKE ${placeholder} COLLATE utf8mb4_bin` }
    case 'ilike':
      return { sql: `LOWER(${column}) LIKE LOWER(${placeholder})` }
    case 'nilike':
      return { sql: `LOWER(${column}) NOT LIKE LOWER(${placeholder})` }
  }
}
