import type { ColumnType } from './ir.js'
import { isWideningType } from './types.js'

// One answer for every back end: for a source → target type pair, which stored values convert,
// which are refused (the change would fail, or give them a meaning they don't have) and which
// convert with a change (loss, allowed only with allowDataLoss). Dialects render each test as SQL
// (dialects/<d>/convert.ts) and convert values the same way, so PostgreSQL, SQLite and MariaDB
// count the same rows and write the same values. The table in docs/auto-update.md follows this file.

/** A question about one stored (non-NULL) value, true for the values it is about. */
export type ValueTest =
  /** Text that isn't a whole number: optional sign, digits, surrounding spaces (no '1e5', no '1.0'). */
  | { kind: 'not-integer-text' }
  /** Text that isn't a plain decimal number: '1.5', '-.5', '2e3'; not '1.2.3', 'e5', '+-3', 'NaN'. */
  | { kind: 'not-number-text' }
  /** Text other than true/false, t/f, yes/no, y/n, on/off, 1/0 (any case, spaces around). */
  | { kind: 'not-boolean-text' }
  /** Text other than a calendar date written YYYY-MM-DD (no '2024-13-45', no trailing junk). */
  | { kind: 'not-date-text' }
  /** Text other than YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]] with a real date and time of day. */
  | { kind: 'not-timestamp-text' }
  /** Text other than HH:MM[:SS[.ffffff]] with a real time of day. */
  | { kind: 'not-time-text' }
  | { kind: 'not-uuid-text' }
  | { kind: 'not-json-text' }
  /** A number (or number text) outside [min, max] once rounded to a whole number. */
  | { kind: 'outside-range'; min: string; max: string }
  /** A number with a fractional part (converting to an integer type would round it). */
  | { kind: 'fractional' }
  /** A number other than 0 and 1 (converting to boolean). */
  | { kind: 'not-zero-or-one' }
  /** A number that, rounded to `scale` places, needs more than precision − scale whole digits. */
  | { kind: 'digits-overflow'; precision: number; scale: number }
  /** A number with more than `scale` fractional digits: rounded. */
  | { kind: 'scale-rounding'; scale: number }
  /** A whole number a float of this many significand bits can't hold exactly: rounded. */
  | { kind: 'float-rounding'; bits: 24 | 53 }
  /** Text longer than `length` characters: cut. */
  | { kind: 'longer-than'; length: number }
  /** A timestamp with a time of day other than midnight (becoming a date drops it). */
  | { kind: 'time-of-day' }
  /** Fractional seconds finer than `precision` digits: cut (not rounded, on every back end). */
  | { kind: 'sub-precision'; precision: number }
  /** A JSON object with a key written twice (a binary JSON type keeps the last one only). */
  | { kind: 'json-duplicate-keys' }
  /** Any value: the conversion has no meaning for these types. */
  | { kind: 'any' }

/** One test, and whether it only matters where the engine doesn't enforce the declared type (SQLite). */
export interface ConversionTest {
  test: ValueTest
  /** The source type can't hold such a value on an engine that enforces it; asked only where types aren't enforced. */
  isUnenforcedOnly?: boolean
}

export interface Conversion {
  /** Every value the source type holds converts unchanged (rated a widening, not a destructive change). */
  isWidening: boolean
  /** Values that block the change: it is refused, even with allowDataLoss, while they exist. */
  refused: ConversionTest[]
  /** Values converted with a change (cut, rounded): allowed only with allowDataLoss. */
  lossy: ConversionTest[]
  /** No rule for this pair (a native type): the change is judged by its types alone. */
  isUnknown?: boolean
}

const INTEGER_RANGE: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
}

const isText = (t: ColumnType) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'text'
const isInteger = (t: ColumnType) => t.kind in INTEGER_RANGE
const isFloat = (t: ColumnType) => t.kind === 'real' || t.kind === 'double'
const isNumber = (t: ColumnType) => isInteger(t) || isFloat(t) || t.kind === 'decimal'
const isTime = (t: ColumnType) => t.kind === 'date' || t.kind === 'timestamp' || t.kind === 'time'

const t = (test: ValueTest, isUnenforcedOnly = false): ConversionTest => (isUnenforcedOnly ? { test, isUnenforcedOnly } : { test })

/** What converting a stored value of type `from` to type `to` does, for every back end. */
export function conversionOf(from: ColumnType, to: ColumnType): Conversion {
  const isWidening = isWideningType(from, to)
  const result = (refused: ConversionTest[], lossy: ConversionTest[]): Conversion => ({ isWidening, refused, lossy })
  if (from.kind === 'native' || to.kind === 'native') return { isWidening, refused: [], lossy: [], isUnknown: true }
  if (from.kind === 'binary' || to.kind === 'binary') return from.kind === to.kind ? result([], []) : result([t({ kind: 'any' })], [])
  // Into text of a bounded length: anything longer is cut. A widening can still meet such values
  // where the old length was never enforced (SQLite keeps whatever it is given).
  if (to.kind === 'varchar' || to.kind === 'char') {
    const longer = t({ kind: 'longer-than', length: to.length }, isWidening)
    // Cutting text is loss; cutting the text of a number or a date leaves a different value, refused.
    return isText(from) ? result([], [longer]) : result([longer], [])
  }
  if (to.kind === 'text') return result([], [])
  if (isText(from)) return fromText(to, result)
  if (isInteger(to)) {
    const [min, max] = INTEGER_RANGE[to.kind]!
    if (isInteger(from)) return result(isWidening ? [t({ kind: 'outside-range', min, max }, true)] : [t({ kind: 'outside-range', min, max })], [])
    if (isNumber(from)) return result([t({ kind: 'fractional' }), t({ kind: 'outside-range', min, max })], [])
    if (from.kind === 'boolean') return result([], [])
    return result([t({ kind: 'any' })], [])
  }
  if (to.kind === 'decimal') {
    if (!isNumber(from)) return from.kind === 'boolean' ? result([], []) : result([t({ kind: 'any' })], [])
    if (to.precision === undefined) return result([], [])
    const scale = to.scale ?? 0
    const overflow = t({ kind: 'digits-overflow', precision: to.precision, scale }, isWidening)
    if (isInteger(from)) return result([overflow], [])
    return result([overflow], [t({ kind: 'scale-rounding', scale }, isWidening)])
  }
  if (isFloat(to)) {
    if (from.kind === 'boolean') return result([], [])
    if (!isNumber(from)) return result([t({ kind: 'any' })], [])
    const bits = to.kind === 'real' ? 24 : 53
    // An INTEGER on SQLite holds 64 bits whatever it was declared as, so even a widening is asked.
    if (isInteger(from)) return result([], from.kind === 'smallint' ? [] : [t({ kind: 'float-rounding', bits }, isWidening)])
    return result([], [])
  }
  if (to.kind === 'boolean') {
    if (isInteger(from)) return result([t({ kind: 'not-zero-or-one' })], [])
    return result([t({ kind: 'any' })], [])
  }
  if (to.kind === 'timestamp') {
    if (from.kind === 'date') return result([], [])
    if (from.kind !== 'timestamp') return result([t({ kind: 'any' })], [])
    const precision = to.precision ?? 6
    return result([], precision < (from.precision ?? 6) ? [t({ kind: 'sub-precision', precision })] : [])
  }
  if (to.kind === 'date') {
    if (from.kind === 'timestamp') return result([], [t({ kind: 'time-of-day' })])
    return result([t({ kind: 'any' })], [])
  }
  if (to.kind === 'json') {
    if (from.kind !== 'json') return result([t({ kind: 'any' })], [])
    return result([], to.binary && !from.binary ? [t({ kind: 'json-duplicate-keys' })] : [])
  }
  if (isTime(to) || to.kind === 'uuid') return result(from.kind === to.kind ? [] : [t({ kind: 'any' })], [])
  return result([t({ kind: 'any' })], [])
}

function fromText(to: ColumnType, result: (r: ConversionTest[], l: ConversionTest[]) => Conversion): Conversion {
  if (isInteger(to)) {
    const [min, max] = INTEGER_RANGE[to.kind]!
    return result([t({ kind: 'not-integer-text' }), t({ kind: 'outside-range', min, max })], [])
  }
  if (to.kind === 'decimal') {
    const number = t({ kind: 'not-number-text' })
    if (to.precision === undefined) return result([number], [])
    const scale = to.scale ?? 0
    return result([number, t({ kind: 'digits-overflow', precision: to.precision, scale })], [t({ kind: 'scale-rounding', scale })])
  }
  if (isFloat(to)) return result([t({ kind: 'not-number-text' })], [])
  switch (to.kind) {
    case 'boolean':
      return result([t({ kind: 'not-boolean-text' })], [])
    case 'date':
      return result([t({ kind: 'not-date-text' })], [])
    case 'timestamp': {
      const precision = to.precision ?? 6
      return result([t({ kind: 'not-timestamp-text' })], precision < 6 ? [t({ kind: 'sub-precision', precision })] : [])
    }
    case 'time':
      return result([t({ kind: 'not-time-text' })], [])
    case 'uuid':
      return result([t({ kind: 'not-uuid-text' })], [])
    case 'json':
      return result([t({ kind: 'not-json-text' })], [])
    default:
      return result([t({ kind: 'any' })], [])
  }
}

/** Words for what a test finds, in a finding's message. */
export function describeTest(test: ValueTest): string {
  switch (test.kind) {
    case 'not-integer-text':
      return 'text that is not a whole number'
    case 'not-number-text':
      return 'text that is not a number'
    case 'not-boolean-text':
      return 'text other than true/false, yes/no, on/off, 1/0'
    case 'not-date-text':
      return 'text that is not a date written YYYY-MM-DD'
    case 'not-timestamp-text':
      return 'text that is not a date and time written YYYY-MM-DD HH:MM:SS'
    case 'not-time-text':
      return 'text that is not a time written HH:MM:SS'
    case 'not-uuid-text':
      return 'text that is not a UUID'
    case 'not-json-text':
      return 'text that is not JSON'
    case 'outside-range':
      return `numbers outside ${test.min}…${test.max}`
    case 'fractional':
      return 'numbers with a fractional part'
    case 'not-zero-or-one':
      return 'numbers other than 0 and 1'
    case 'digits-overflow':
      return `numbers with more than ${test.precision - test.scale} whole digits`
    case 'scale-rounding':
      return `numbers with more than ${test.scale} decimal places (rounded)`
    case 'float-rounding':
      return `whole numbers beyond ${test.bits === 53 ? '2^53' : '2^24'} (rounded)`
    case 'longer-than':
      return `values longer than ${test.length} characters (cut)`
    case 'time-of-day':
      return 'timestamps with a time of day (dropped)'
    case 'sub-precision':
      return `fractional seconds finer than ${test.precision} digit(s) (cut)`
    case 'json-duplicate-keys':
      return 'JSON objects with a key written twice (only the last is kept)'
    case 'any':
      return 'values'
  }
}
