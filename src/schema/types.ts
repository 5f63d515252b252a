import type { ColumnType } from './ir.js'

const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 }

/**
 * The length that converting `from` into bounded text cuts values to; undefined when no value
 * can be longer (the target is not bounded text, or the source is bounded text no longer).
 * The one narrowing rule: widening, the data checks and MySQL's pre-cut all read it.
 */
export function textCutLength(from: ColumnType, to: ColumnType): number | undefined {
  if (to.kind !== 'varchar' && to.kind !== 'char') return undefined
  if ((from.kind === 'varchar' || from.kind === 'char') && from.length <= to.length) return undefined
  return to.length
}

/**
 * Whether every value of `from` converts to `to` without loss or failure
 * (varchar(50)→varchar(200), int→bigint, real→double, varchar→text, …).
 */
export function isWideningType(from: ColumnType, to: ColumnType): boolean {
  const textual = (t: ColumnType) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'text'
  if (textual(from) && to.kind === 'text') return true
  // varchar → char pads the value, so it never widens, however long the char.
  if ((from.kind === 'varchar' || from.kind === 'char') && (to.kind === 'varchar' || (from.kind === 'char' && to.kind === 'char')))
    return textCutLength(from, to) === undefined
  if (from.kind in INTEGER_RANK && to.kind in INTEGER_RANK) return INTEGER_RANK[to.kind]! >= INTEGER_RANK[from.kind]!
  if ((from.kind === 'smallint' || from.kind === 'integer') && to.kind === 'double') return true
  if (from.kind === 'real' && to.kind === 'double') return true
  if (from.kind in INTEGER_RANK && to.kind === 'decimal') {
    const digits = { smallint: 5, integer: 10, bigint: 19 }[from.kind as 'smallint']
    return to.precision === undefined || to.precision - (to.scale ?? 0) >= digits
  }
  if (from.kind === 'decimal' && to.kind === 'decimal') {
    if (to.precision === undefined) return true
    if (from.precision === undefined) return false
    return to.precision - (to.scale ?? 0) >= from.precision - (from.scale ?? 0) && (to.scale ?? 0) >= (from.scale ?? 0)
  }
  if (from.kind === 'timestamp' && to.kind === 'timestamp')
    return from.withTimeZone === to.withTimeZone && (to.precision ?? 6) >= (from.precision ?? 6)
  if (from.kind === 'json' && to.kind === 'json') return true
  if (from.kind === 'uuid' && to.kind === 'text') return true
  return false
}

/** A short human name for a type in messages. */
export function describeType(t: ColumnType): string {
  switch (t.kind) {
    case 'varchar':
    case 'char':
      return `${t.kind}(${t.length})`
    case 'decimal':
      return t.precision !== undefined ? `decimal(${t.precision},${t.scale ?? 0})` : 'decimal'
    case 'timestamp':
      // The precision is said when given: a plan line must not read "timestamptz → timestamptz".
      return `${t.withTimeZone ? 'timestamptz' : 'timestamp'}${t.precision !== undefined ? `(${t.precision})` : ''}`
    case 'json':
      return t.binary ? 'jsonb' : 'json'
    case 'native':
      return t.sql
    default:
      return t.kind
  }
}
