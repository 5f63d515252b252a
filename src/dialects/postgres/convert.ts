import type { ColumnType } from '../../schema/ir.js'
import { conversionOf, type ValueTest } from '../../schema/conversions.js'
import { BOOLEAN_FALSE, BOOLEAN_TRUE, isCalendarDate, isClockTime, TEXT_SHAPES, type CheckSql, type SqlText } from '../data-checks.js'
import { qualifiedName, quotePostgresIdentifier, quotePostgresLiteral } from './quote.js'
import { renderPostgresType } from './types.js'

const lit = quotePostgresLiteral
const f: SqlText = { int: (s) => `(${s})::int`, sub: (s, a, n) => `substr(${s}, ${a}, ${n})`, len: (s) => `char_length(${s})` }
const isTextual = (t: ColumnType) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'text'
const isNumeric = (t: ColumnType) => ['smallint', 'integer', 'bigint', 'decimal', 'real', 'double'].includes(t.kind)

/** The conversion model's questions in PostgreSQL. */
export function postgresValueTest(test: ValueTest, col: string, from: ColumnType): string | undefined {
  const text = `${col}::text`
  const trimmed = `btrim(${text})`
  // After a text shape has been vetted, the value as a number.
  const number = isTextual(from) ? `${trimmed}::numeric` : from.kind === 'boolean' ? `${col}::int::numeric` : `${col}::numeric`
  switch (test.kind) {
    case 'not-integer-text':
      return `NOT (${text} ~ ${lit(TEXT_SHAPES.integer)})`
    case 'not-number-text':
      return `NOT (${text} ~ ${lit(TEXT_SHAPES.number)})`
    case 'not-boolean-text':
      return `lower(${trimmed}) NOT IN (${[...BOOLEAN_TRUE, ...BOOLEAN_FALSE].map(lit).join(', ')})`
    case 'not-date-text':
      return `CASE WHEN ${text} ~ ${lit(TEXT_SHAPES.date)} THEN NOT ${isCalendarDate(trimmed, f)} ELSE true END`
    case 'not-timestamp-text':
      return `CASE WHEN ${text} ~ ${lit(TEXT_SHAPES.timestamp)} THEN NOT (${isCalendarDate(trimmed, f)} AND (${f.len(trimmed)} = 10 OR ${isClockTime(trimmed, 12, f)})) ELSE true END`
    case 'not-time-text':
      return `CASE WHEN ${text} ~ ${lit(TEXT_SHAPES.time)} THEN NOT ${isClockTime(trimmed, 1, f)} ELSE true END`
    case 'not-uuid-text':
      return `NOT (${text} ~ ${lit(TEXT_SHAPES.uuid)})`
    case 'not-json-text':
      // pg_input_is_valid arrived in PostgreSQL 16; before it, a bad value fails the ALTER, which rolls back.
      return undefined
    case 'outside-range':
      return `round(${number}) NOT BETWEEN ${test.min} AND ${test.max}`
    case 'fractional':
      return `${number} <> trunc(${number})`
    case 'not-zero-or-one':
      return `${number} NOT IN (0, 1)`
    case 'digits-overflow':
      return `abs(round(${number}, ${test.scale})) >= 1e${test.precision - test.scale}`
    case 'scale-rounding':
      return isTextual(from) ? `${number} <> round(${number}, ${test.scale})` : `${col} <> round(${col}::numeric, ${test.scale})`
    case 'float-rounding':
      return `abs(${number}) > ${2 ** test.bits}`
    case 'longer-than':
      return `char_length(${text}) > ${Number(test.length)}`
    case 'time-of-day':
      return `${col}::time <> '00:00'`
    case 'sub-precision':
      return isTextual(from)
        ? `${text} ~ ${lit(`[.][0-9]{${test.precision}}[0-9]*[1-9]`)}`
        : `extract(microseconds FROM ${col})::bigint % ${10 ** (6 - test.precision)} <> 0`
    case 'json-duplicate-keys':
      return `json_typeof(${col}::json) = 'object' AND (SELECT count(*) FROM json_object_keys(${col}::json)) <> (SELECT count(*) FROM jsonb_object_keys(${col}::jsonb))`
    case 'any':
      return 'true'
  }
}

/** The USING expression of a type change: the value converted as the conversion model says. */
export function postgresConvertedValue(col: string, from: ColumnType, to: ColumnType): string {
  const type = renderPostgresType(to)
  // A pair with no meaning (double → jsonb) is refused while any row holds a value, so only NULLs
  // are left to convert; PostgreSQL may have no cast at all for the pair.
  if (conversionOf(from, to).refused.some((t) => t.test.kind === 'any')) return `NULL::${type}`
  if (from.kind === 'boolean' && (isTextual(to) || isNumeric(to))) return `(CASE WHEN ${col} THEN 1 ELSE 0 END)::${type}`
  if (isNumeric(from) && to.kind === 'boolean') return `(${col} <> 0)`
  // Fractional seconds are cut, not rounded, as MariaDB and SQLite do: .999 stays in its second.
  if (from.kind === 'timestamp' && to.kind === 'timestamp' && (to.precision ?? 6) < (from.precision ?? 6)) {
    const step = 10 ** (6 - (to.precision ?? 6))
    return `(date_trunc('second', ${col}) + (floor(extract(microseconds FROM ${col}) % 1000000 / ${step}) * ${step}) * interval '1 microsecond')::${type}`
  }
  return `${col}::${type}`
}

export const postgresCheckSql: CheckSql = {
  quote: quotePostgresIdentifier,
  table: (ref) => qualifiedName(ref),
  literal: (v) => (typeof v === 'string' ? `${lit(v)}::text` : String(v)),
  valueTest: postgresValueTest,
  convertedValue: postgresConvertedValue,
}
