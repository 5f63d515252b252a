import type { ColumnType } from '../../schema/ir.js'
import type { ValueTest } from '../../schema/conversions.js'
import { BOOLEAN_FALSE, BOOLEAN_TRUE, isCalendarDate, isClockTime, type CheckSql, type SqlText } from '../data-checks.js'
import { quoteSqliteIdentifier, quoteSqliteLiteral as lit } from './quote.js'

// SQLite keeps whatever it is given under any declared type (https://www.sqlite.org/datatype3.html),
// so conversions are written out here, in the rebuild's copy, and checked first. SQLite has no
// regular expressions of its own: the text shapes of dialects/data-checks.ts are spelled in GLOB
// (which matches the whole text), and the same shapes are accepted as on PostgreSQL and MariaDB.

const f: SqlText = { int: (s) => `CAST(${s} AS INTEGER)`, sub: (s, a, n) => `substr(${s}, ${a}, ${n})`, len: (s) => `length(${s})` }
const isTextual = (t: ColumnType) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'text'
const isInteger = (t: ColumnType) => t.kind === 'smallint' || t.kind === 'integer' || t.kind === 'bigint'
const isNumeric = (t: ColumnType) => isInteger(t) || t.kind === 'decimal' || t.kind === 'real' || t.kind === 'double'

const D = '[0-9]'
const DATE = `${D}${D}${D}${D}-${D}${D}-${D}${D}`
const HM = `${D}${D}:${D}${D}`
const digitsOnly = (s: string) => `(${s} <> '' AND ${s} NOT GLOB '*[^0-9]*')`
const unsigned = (s: string) => `CASE WHEN substr(${s}, 1, 1) IN ('+', '-') THEN substr(${s}, 2) ELSE ${s} END`
/** Digits, one optional point, at least one digit: the mantissa of a number. */
const mantissa = (s: string) => `(${s} NOT GLOB '*[^0-9.]*' AND ${s} GLOB '*[0-9]*' AND ${s} NOT GLOB '*.*.*')`

function isIntegerText(t: string) {
  return digitsOnly(unsigned(t))
}

function isNumberText(t: string) {
  const u = unsigned(t)
  const e = `instr(lower(${u}), 'e')`
  const exp = `substr(${u}, ${e} + 1)`
  return `(CASE WHEN ${e} = 0 THEN ${mantissa(u)} ELSE ${mantissa(`substr(${u}, 1, ${e} - 1)`)} AND ${digitsOnly(unsigned(exp))} END)`
}

/** A [HH:MM[:SS[.f{1,6}]]] tail starting at 1-based `at` (length `n` from there). */
function isClockText(t: string, at: number) {
  const rest = `substr(${t}, ${at})`
  const n = `length(${rest})`
  return (
    `(CASE WHEN ${n} = 5 THEN ${rest} GLOB '${HM}' WHEN ${n} = 8 THEN ${rest} GLOB '${HM}:${D}${D}' ` +
    `WHEN ${n} BETWEEN 10 AND 15 THEN substr(${rest}, 1, 9) GLOB '${HM}:${D}${D}.' AND ${digitsOnly(`substr(${rest}, 10)`)} ELSE 0 END ` +
    `AND ${isClockTime(t, at, f)})`
  )
}

/** A whole-number text (vetted) outside [min, max], compared as text: CAST would clamp at 64 bits. */
function isTextOutside(t: string, min: string, max: string) {
  const negative = `substr(${t}, 1, 1) = '-'`
  const digits = `ltrim(${unsigned(t)}, '0')`
  const beyond = (limit: string) => `(length(${digits}) > ${limit.length} OR (length(${digits}) = ${limit.length} AND ${digits} > '${limit}'))`
  return `(CASE WHEN ${negative} THEN ${beyond(min.replace('-', ''))} ELSE ${beyond(max)} END)`
}

/** The conversion model's questions in SQLite. */
export function sqliteValueTest(test: ValueTest, col: string, from: ColumnType): string | undefined {
  const t = `trim(CAST(${col} AS TEXT), ' ')`
  // A column of a number type may still hold text (SQLite doesn't enforce types): ask it as text then.
  const isText = isTextual(from) ? '1' : `typeof(${col}) = 'text'`
  const number = isTextual(from) ? `CAST(${t} AS REAL)` : `(CASE WHEN typeof(${col}) = 'text' THEN CAST(${t} AS REAL) ELSE ${col} END)`
  switch (test.kind) {
    case 'not-integer-text':
      return `NOT ${isIntegerText(t)}`
    case 'not-number-text':
      return `NOT ${isNumberText(t)}`
    case 'not-boolean-text':
      return `lower(${t}) NOT IN (${[...BOOLEAN_TRUE, ...BOOLEAN_FALSE].map((x) => lit(x)).join(', ')})`
    case 'not-date-text':
      return `NOT (${t} GLOB '${DATE}' AND ${isCalendarDate(t, f)})`
    case 'not-timestamp-text':
      return `NOT (CASE WHEN length(${t}) = 10 THEN ${t} GLOB '${DATE}' ELSE substr(${t}, 1, 11) GLOB '${DATE}[ T]' AND ${isClockText(t, 12)} END AND ${isCalendarDate(t, f)})`
    case 'not-time-text':
      return `NOT ${isClockText(t, 1)}`
    case 'not-uuid-text': {
      const h = '[0-9a-fA-F]'
      return `NOT (CAST(${col} AS TEXT) GLOB '${h.repeat(8)}-${h.repeat(4)}-${h.repeat(4)}-${h.repeat(4)}-${h.repeat(12)}')`
    }
    case 'not-json-text':
      return `NOT json_valid(${col})`
    case 'outside-range': {
      // Every INTEGER column holds 64 bits here, whatever it was declared as.
      const [min, max] = ['-9223372036854775808', '9223372036854775807']
      return `CASE WHEN ${isText} THEN ${isIntegerText(t)} AND ${isTextOutside(t, min, max)} ELSE round(${number}) NOT BETWEEN ${min} AND ${max} END`
    }
    case 'fractional':
      return `CASE WHEN ${isText} THEN NOT ${isIntegerText(t)} ELSE ${number} <> CAST(${number} AS INTEGER) END`
    case 'not-zero-or-one':
      return `${number} NOT IN (0, 1)`
    case 'digits-overflow':
      return `abs(round(${number}, ${test.scale})) >= 1e${test.precision - test.scale}`
    case 'scale-rounding':
      return `${number} <> round(${number}, ${test.scale})`
    case 'float-rounding':
      return `abs(${number}) > ${2 ** test.bits}`
    case 'longer-than':
      return `length(CAST(${col} AS TEXT)) > ${Number(test.length)}`
    case 'time-of-day':
      return `strftime('%H:%M:%f', ${col}) <> '00:00:00.000'`
    case 'sub-precision':
      return `${col} GLOB '*.${D.repeat(test.precision)}*[1-9]*'`
    case 'json-duplicate-keys':
      // SQLite keeps JSON as text either way.
      return '0'
    case 'any':
      return '1'
  }
}

/** The value of `col` converted from → to: the rebuild copies this, and the checks ask it. */
export function sqliteConvertedValue(col: string, from: ColumnType, to: ColumnType): string {
  const t = `trim(CAST(${col} AS TEXT), ' ')`
  switch (to.kind) {
    case 'varchar':
    case 'char':
      return `substr(${asText(col, from)}, 1, ${Number(to.length)})`
    case 'text':
      return asText(col, from)
    case 'smallint':
    case 'integer':
    case 'bigint':
      return isTextual(from) ? `CAST(${t} AS INTEGER)` : from.kind === 'boolean' ? col : `CAST(${col} AS INTEGER)`
    case 'real':
    case 'double':
      return isTextual(from) ? `CAST(${t} AS REAL)` : `CAST(${col} AS REAL)`
    case 'decimal': {
      const n = isTextual(from) ? `CAST(${t} AS NUMERIC)` : `CAST(${col} AS NUMERIC)`
      return to.scale !== undefined && to.precision !== undefined ? `round(${n}, ${to.scale})` : n
    }
    case 'boolean':
      if (isTextual(from))
        return `(CASE WHEN lower(${t}) IN (${BOOLEAN_TRUE.map((x) => lit(x)).join(', ')}) THEN 1 WHEN lower(${t}) IN (${BOOLEAN_FALSE.map((x) => lit(x)).join(', ')}) THEN 0 END)`
      return isNumeric(from) ? `(CASE WHEN ${col} <> 0 THEN 1 ELSE 0 END)` : col
    case 'date':
      return from.kind === 'timestamp' ? `date(${col})` : isTextual(from) ? t : col
    case 'timestamp':
    case 'time':
      return isTextual(from) ? t : col
    default:
      return col
  }
}

/** Text as PostgreSQL and MariaDB write it: a whole double is '20', not '20.0'. */
function asText(col: string, from: ColumnType): string {
  if (from.kind === 'real' || from.kind === 'double' || from.kind === 'decimal')
    return `(CASE WHEN typeof(${col}) = 'real' AND ${col} = CAST(${col} AS INTEGER) AND abs(${col}) < 1e15 THEN CAST(CAST(${col} AS INTEGER) AS TEXT) ELSE CAST(${col} AS TEXT) END)`
  return `CAST(${col} AS TEXT)`
}

export const sqliteCheckSql: CheckSql = {
  quote: quoteSqliteIdentifier,
  table: (ref) => quoteSqliteIdentifier(ref.name),
  literal: (v) => (typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'number' ? String(v) : lit(v)),
  valueTest: sqliteValueTest,
  convertedValue: sqliteConvertedValue,
}
