import { describe, expect, it } from 'vitest'
import { conversionOf } from '../../src/schema/conversions.js'
import type { ColumnType } from '../../src/schema/ir.js'

// The conversion model, server-free: what each pair refuses and counts as loss (docs/auto-update.md).
const text: ColumnType = { kind: 'text' }
const tests = (from: ColumnType, to: ColumnType) => {
  const c = conversionOf(from, to)
  return { widening: c.isWidening, refused: c.refused.map((t) => t.test.kind), lossy: c.lossy.map((t) => t.test.kind) }
}

describe('conversion model', () => {
  it.each([
    [text, { kind: 'boolean' }, { widening: false, refused: ['not-boolean-text'], lossy: [] }],
    [text, { kind: 'date' }, { widening: false, refused: ['not-date-text'], lossy: [] }],
    [text, { kind: 'bigint' }, { widening: false, refused: ['not-integer-text', 'outside-range'], lossy: [] }],
    [text, { kind: 'decimal', precision: 5, scale: 2 }, { widening: false, refused: ['not-number-text', 'digits-overflow'], lossy: ['scale-rounding'] }],
    [{ kind: 'varchar', length: 50 }, { kind: 'varchar', length: 5 }, { widening: false, refused: [], lossy: ['longer-than'] }],
    [{ kind: 'varchar', length: 10 }, { kind: 'varchar', length: 20 }, { widening: true, refused: [], lossy: ['longer-than'] }],
    [{ kind: 'timestamp', withTimeZone: true, precision: 3 }, { kind: 'varchar', length: 4 }, { widening: false, refused: ['longer-than'], lossy: [] }],
    [{ kind: 'bigint' }, { kind: 'double' }, { widening: false, refused: [], lossy: ['float-rounding'] }],
    [{ kind: 'integer' }, { kind: 'double' }, { widening: true, refused: [], lossy: ['float-rounding'] }],
    [{ kind: 'double' }, { kind: 'integer' }, { widening: false, refused: ['fractional', 'outside-range'], lossy: [] }],
    [{ kind: 'timestamp', withTimeZone: true, precision: 3 }, { kind: 'timestamp', withTimeZone: true, precision: 0 }, { widening: false, refused: [], lossy: ['sub-precision'] }],
    [{ kind: 'json', binary: false }, { kind: 'json', binary: true }, { widening: true, refused: [], lossy: ['json-duplicate-keys'] }],
    [{ kind: 'double' }, { kind: 'json', binary: true }, { widening: false, refused: ['any'], lossy: [] }],
  ] as Array<[ColumnType, ColumnType, ReturnType<typeof tests>]>)('%j → %j', (from, to, expected) => {
    expect(tests(from, to)).toEqual(expected)
  })

  it('asks what an enforcing engine could never hold only where types are not enforced', () => {
    const c = conversionOf({ kind: 'varchar', length: 10 }, { kind: 'varchar', length: 20 })
    expect(c.lossy.every((t) => t.isUnenforcedOnly)).toBe(true)
    expect(conversionOf({ kind: 'varchar', length: 50 }, { kind: 'varchar', length: 5 }).lossy.some((t) => t.isUnenforcedOnly)).toBe(false)
  })
})
