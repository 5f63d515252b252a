import type { ColumnType } from '../../schema/ir.js'
import type { ValueTest } from '../../schema/conversions.js'
import { BOOLEAN_FALSE, BOOLEAN_TRUE, isCalendarDate, isClockTime, TEXT_SHAPES, type CheckSql, type SqlText } from '../data-checks.js'
import { qualifiedMysqlName, quoteMysqlIdentifier, quoteMysqlLiteral as lit } from './quote.js'

// The shapes are POSIX classes and braces, read alike by MySQL 8's ICU and MariaDB's PCRE
// (https://mariadb.com/kb/en/regular-expressions-overview/).

const f: SqlText = { int: (s) => `CAST(${s} AS SIGNED)`, sub: (s, a, n) => `SUBSTRING(${s}, ${a}, ${n})`, len: (s) => `CHAR_LENGTH(${s})` }
const isTextual = (t: ColumnType) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'text'

/** The conversion model's questions in MySQL/MariaDB. */
export function mysqlValueTest(test: ValueTest, col: string, from: ColumnType): string | undefined {
  const text = `CAST(${col} AS CHAR)`
  const trimmed = `TRIM(${text})`
  // Exact for the numbers a whole-number or decimal text can name (DECIMAL saturates beyond 35 whole digits, still out of any range).
  const number = isTextual(from) ? `CAST(${trimmed} AS DECIMAL(65,30))` : col
  switch (test.kind) {
    case 'not-integer-text':
      return `NOT (${text} REGEXP ${lit(TEXT_SHAPES.integer)})`
    case 'not-number-text':
      return `NOT (${text} REGEXP ${lit(TEXT_SHAPES.number)})`
    case 'not-boolean-text':
      return `LOWER(${trimmed}) NOT IN (${[...BOOLEAN_TRUE, ...BOOLEAN_FALSE].map(lit).join(', ')})`
    case 'not-date-text':
      return `CASE WHEN ${text} REGEXP ${lit(TEXT_SHAPES.date)} THEN NOT ${isCalendarDate(trimmed, f)} ELSE TRUE END`
    case 'not-timestamp-text':
      return `CASE WHEN ${text} REGEXP ${lit(TEXT_SHAPES.timestamp)} THEN NOT (${isCalendarDate(trimmed, f)} AND (${f.len(trimmed)} = 10 OR ${isClockTime(trimmed, 12, f)})) ELSE TRUE END`
    case 'not-time-text':
      return `CASE WHEN ${text} REGEXP ${lit(TEXT_SHAPES.time)} THEN NOT ${isClockTime(trimmed, 1, f)} ELSE TRUE END`
    case 'not-uuid-text':
      return `NOT (${text} REGEXP ${lit(TEXT_SHAPES.uuid)})`
    case 'not-json-text':
      return `NOT JSON_VALID(${col})`
    case 'outside-range':
      return `ROUND(${number}) NOT BETWEEN ${test.min} AND ${test.max}`
    case 'fractional':
      return `${number} <> TRUNCATE(${number}, 0)`
    case 'not-zero-or-one':
      return `${number} NOT IN (0, 1)`
    case 'digits-overflow':
      return `ABS(ROUND(${number}, ${test.scale})) >= 1e${test.precision - test.scale}`
    case 'scale-rounding':
      return `${number} <> ROUND(${number}, ${test.scale})`
    case 'float-rounding':
      return `ABS(${number}) > ${2 ** test.bits}`
    case 'longer-than':
      return `CHAR_LENGTH(${text}) > ${Number(test.length)}`
    case 'time-of-day':
      return `(TIME_TO_SEC(${col}) <> 0 OR MICROSECOND(${col}) <> 0)`
    case 'sub-precision':
      return isTextual(from)
        ? `${text} REGEXP ${lit(`[.][0-9]{${test.precision}}[0-9]*[1-9]`)}`
        : `MICROSECOND(${col}) % ${10 ** (6 - test.precision)} <> 0`
    case 'json-duplicate-keys':
      // MySQL's JSON keeps the last duplicate key on write already; MariaDB's is text.
      return 'FALSE'
    case 'any':
      return 'TRUE'
  }
}

/** The value of `col` once MODIFY COLUMN (after the statements of `mysqlConversionPrelude`) has converted it. */
export function mysqlConvertedValue(col: string, from: ColumnType, to: ColumnType): string {
  switch (to.kind) {
    case 'varchar':
    case 'char':
      return `LEFT(CAST(${col} AS CHAR), ${Number(to.length)})`
    case 'smallint':
    case 'integer':
    case 'bigint':
      return isTextual(from) ? `CAST(TRIM(${col}) AS SIGNED)` : `CAST(${col} AS SIGNED)`
    case 'decimal':
      return to.precision !== undefined ? `CAST(${col} AS DECIMAL(${to.precision},${to.scale ?? 0}))` : `CAST(${col} AS DECIMAL(65,30))`
    case 'real':
    case 'double':
      return `(${col} + 0e0)`
    case 'boolean':
      return isTextual(from)
        ? `(CASE WHEN LOWER(TRIM(${col})) IN (${BOOLEAN_TRUE.map(lit).join(', ')}) THEN 1 WHEN LOWER(TRIM(${col})) IN (${BOOLEAN_FALSE.map(lit).join(', ')}) THEN 0 END)`
        : `(${col} <> 0)`
    case 'date':
      return `CAST(${col} AS DATE)`
    default:
      return col
  }
}

/**
 * Statements run before MODIFY COLUMN where MySQL's own conversion differs from the model's:
 * strict mode refuses 'true' or 'off' for a TINYINT(1), so they are written as 1 and 0 first.
 */
export function mysqlConversionPrelude(table: string, col: string, from: ColumnType, to: ColumnType): string[] {
  if (isTextual(from) && to.kind === 'boolean') return [`UPDATE ${table} SET ${col} = ${mysqlConvertedValue(col, from, to)} WHERE ${col} IS NOT NULL`]
  return []
}

export const mysqlCheckSql: CheckSql = {
  quote: quoteMysqlIdentifier,
  table: qualifiedMysqlName,
  literal: lit,
  valueTest: mysqlValueTest,
  convertedValue: mysqlConvertedValue,
}
