import { describe, expect, it } from 'vitest'
import { conversionOf } from '../../src/schema/conversions.js'
import type { ColumnType } from '../../src/schema/ir.js'
import type { Change } from '../../src/schema/changes.js'
import { isWideningType, textCutLength } from '../../src/schema/types.js'
import { renderMysql } from '../../src/dialects/mysql/render.js'

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

describe('the narrowing rule', () => {
  const v = (length: number): ColumnType => ({ kind: 'varchar', length })
  const c = (length: number): ColumnType => ({ kind: 'char', length })
  it.each([
    [v(50), v(5), 5, false],
    [v(5), v(50), undefined, true],
    [c(5), v(5), undefined, true],
    [v(5), c(50), undefined, false], // pads: not a widening, but nothing is cut
    [c(50), c(5), 5, false],
    [text, v(20), 20, false],
    [v(20), text, undefined, true],
    [{ kind: 'integer' }, c(3), 3, false],
  ] as Array<[ColumnType, ColumnType, number | undefined, boolean]>)('%j → %j cuts to %s', (from, to, cut, widening) => {
    expect(textCutLength(from, to)).toBe(cut)
    expect(isWideningType(from, to)).toBe(widening)
  })

  it('MySQL cuts text to the new length before MODIFY exactly where the rule says values are cut', () => {
    const table = { name: 't' }
    const alter = (from: ColumnType, to: ColumnType) =>
      renderMysql(
        { kind: 'alter-column', table, from: { name: 'c', type: from, isNullable: true }, to: { name: 'c', type: to, isNullable: true }, aspects: ['type'] } as Change,
        { current: { tables: [] } },
      ).map((s) => s.sql)
    expect(alter(v(50), v(5))[0]).toBe('UPDATE `t` SET `c` = LEFT(`c`, 5) WHERE CHAR_LENGTH(`c`) > 5')
    expect(alter(v(5), v(50)).some((sql) => sql.startsWith('UPDATE'))).toBe(false)
    expect(alter(text, c(3))[0]).toBe('UPDATE `t` SET `c` = LEFT(`c`, 3) WHERE CHAR_LENGTH(`c`) > 3')
  })
})
