import { describe, expect, it } from 'vitest'
import { DataSource, defineModel, PlanRefusedError, type PropertyDefinition } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { useScope } from '../support/scope.js'

// The conversion model (src/schema/conversions.ts) answers the same on every back end: the same
// rows refused, the same rows counted as loss, the same values written.

const id = { type: 'number', id: true } as const

interface Case {
  name: string
  from: PropertyDefinition
  to: PropertyDefinition
  values: unknown[]
  /** Rows refused (blocking, even with allowDataLoss). */
  refused?: number
  /** Rows counted as loss (allowed with allowDataLoss). */
  lossy?: number
  /** Values read back as text after the change, when it applies. */
  after?: (string | null)[]
}

const cases: Case[] = [
  {
    name: 'string → boolean takes only true/false-like words',
    from: { type: 'string', length: 20 },
    to: { type: 'boolean' },
    values: ['true', 'FALSE', ' yes ', 'off', '1', '0', 'No', null],
    after: ['1', '0', '1', '0', '1', '0', '0', null],
  },
  { name: 'string → boolean refuses other text', from: { type: 'string', length: 20 }, to: { type: 'boolean' }, values: ['true', 'maybe', '', '2'], refused: 3 },
  {
    name: 'string → date takes strict ISO calendar dates',
    from: { type: 'string', length: 30 },
    to: { type: 'date', dataType: 'date' },
    values: ['2024-01-02', '2024-02-29', null],
    after: ['2024-01-02', '2024-02-29', null],
  },
  {
    name: 'string → date refuses impossible dates and trailing junk',
    from: { type: 'string', length: 30 },
    to: { type: 'date', dataType: 'date' },
    values: ['2024-01-02', '2024-13-45', '2024-01-02 junk', '2023-02-29', '24-01-02', '2024-1-2'],
    refused: 5,
  },
  {
    name: 'string → integer takes whole numbers only',
    from: { type: 'string', length: 30 },
    to: { type: 'number', dataType: 'integer' },
    values: ['12', ' -3 ', '+7', '2147483647'],
    after: ['12', '-3', '7', '2147483647'],
  },
  {
    name: 'string → integer refuses junk and out-of-range values instead of clamping',
    from: { type: 'string', length: 30 },
    to: { type: 'number', dataType: 'bigint' },
    // (SQLite's INTEGER holds 64 bits whatever it is declared as: bigint is the range every back end shares.)
    values: ['12', '1.2.3', 'e5', '+-3', '99999999999999999999', '1e5', '9223372036854775807', '-9223372036854775809'],
    refused: 6,
  },
  {
    name: 'string → double takes plain numbers',
    from: { type: 'string', length: 30 },
    to: { type: 'number' },
    values: ['1.5', ' -2 ', '1e3', '.25', null],
    after: ['1.5', '-2', '1000', '0.25', null],
  },
  { name: 'string → double refuses junk', from: { type: 'string', length: 30 }, to: { type: 'number' }, values: ['1.2.3', 'e5', '+-3', 'NaN', '1.5'], refused: 4 },
  {
    name: 'double → text writes whole numbers without a fraction',
    from: { type: 'number' },
    to: { type: 'string', length: 40 },
    values: [20, 1.5, -3, 0],
    after: ['20', '1.5', '-3', '0'],
  },
  {
    name: 'bigint → double counts rounding beyond 2^53 as loss',
    from: { type: 'number', dataType: 'bigint' },
    to: { type: 'number' },
    values: ['9007199254740993', '1234567890123456789', '5'],
    lossy: 2,
  },
  {
    name: 'double → integer refuses fractions and overflow',
    from: { type: 'number' },
    to: { type: 'number', dataType: 'integer' },
    values: [1, 2.5, 1e20, -7],
    refused: 2,
  },
  {
    name: 'decimal narrowing refuses overflow and counts rounding',
    from: { type: 'number', precision: 10, scale: 3 },
    to: { type: 'number', precision: 5, scale: 2 },
    values: [1.25, 1.255, 12345.5, 999.99],
    refused: 1,
    lossy: 1,
  },
  {
    name: 'decimal scale narrowing rounds with allowDataLoss',
    from: { type: 'number', precision: 10, scale: 3 },
    to: { type: 'number', precision: 10, scale: 1 },
    values: [1.25, 2.5, 3],
    lossy: 1,
  },
]

const id2 = (i: number) => i + 1

describe.each(backends)('conversions on $name', (backend) => {
  let scope: TestScope
  const ds = useScope(backend, (s) => (scope = s))
  const text = (col: string) => `CAST(${scope.quote(col)} AS ${backend.dialect === 'mysql' ? 'CHAR' : 'TEXT'})`
  const read = async (table: string) =>
    (await scope.raw(`SELECT ${text('v')} AS v FROM ${scope.table(table)} ORDER BY ${scope.quote('id')}`)).map((r) => (r.v === null ? null : ({ true: '1', false: '0' } as Record<string, string>)[String(r.v)] ?? String(r.v).replace(/^(-?\d+)\.0$/, '$1')))

  it.each(cases)('$name', async (c) => {
    const table = `Conv${cases.indexOf(c)}`
    await ds(defineModel({ name: table, properties: { id, v: c.from } })).autoupdate()
    for (const [i, v] of c.values.entries()) await scope.insert(table, { id: id2(i), v })
    const before = await read(table)
    const d: DataSource = ds(defineModel({ name: table, properties: { id, v: c.to } }))
    const plan = await d.planAutoupdate()
    const findings = plan.changes.flatMap((p) => p.findings ?? [])
    expect(findings.filter((f) => f.isBlocking).reduce((n, f) => n + f.rows, 0)).toBe(c.refused ?? 0)
    expect(findings.filter((f) => !f.isBlocking).reduce((n, f) => n + f.rows, 0)).toBe(c.lossy ?? 0)
    if (c.refused) {
      const err = await d.autoupdate(undefined, { allowDataLoss: true }).catch((e) => e)
      expect(err).toBeInstanceOf(PlanRefusedError)
      expect(await read(table)).toEqual(before)
      return
    }
    if (c.lossy) {
      await expect(d.autoupdate()).rejects.toBeInstanceOf(PlanRefusedError)
      expect(await read(table)).toEqual(before)
    }
    await d.autoupdate(undefined, { allowDataLoss: true })
    if (c.after) expect(await read(table)).toEqual(c.after)
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it("plans a date property's precision, and cuts (never rounds) fractional seconds", async () => {
    await ds(defineModel({ name: 'Ts', properties: { id, at: { type: 'date' } } })).autoupdate()
    await scope.insert('Ts', { id: 1, at: backend.dialect === 'sqlite' ? '2024-01-02T10:00:00.999Z' : new Date('2024-01-02T10:00:00.999Z') })
    const d = ds(defineModel({ name: 'Ts', properties: { id, at: { type: 'date', precision: 0 } } }))
    const plan = await d.planAutoupdate()
    if (backend.dialect === 'sqlite') {
      // SQLite keeps the text it is given: no precision to change.
      expect(plan.changes).toEqual([])
      return
    }
    expect(plan.changes.map((c) => c.summary).join()).toMatch(/type timestamp(tz)?\(3\) → timestamp(tz)?\(0\)/)
    expect(plan.changes.flatMap((c) => c.findings ?? []).map((f) => [f.rows, f.isBlocking])).toEqual([[1, false]])
    await expect(d.autoupdate()).rejects.toBeInstanceOf(PlanRefusedError)
    await d.autoupdate(undefined, { allowDataLoss: true })
    const [row] = await scope.raw(`SELECT ${text('at')} AS v FROM ${scope.table('Ts')}`)
    expect(String(row!.v)).toMatch(/^2024-01-02 10:00:00(\+00)?$/)
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it('checks a unique key over the values as the plan cuts them', async () => {
    await ds(defineModel({ name: 'Sku', properties: { id, sku: { type: 'string', length: 50 } } })).autoupdate()
    await scope.insert('Sku', { id: 1, sku: 'ABCDE-001' })
    await scope.insert('Sku', { id: 2, sku: 'ABCDE-002' })
    const d = ds(defineModel({ name: 'Sku', properties: { id, sku: { type: 'string', length: 5, index: { unique: true } } } }))
    const err = await d.autoupdate(undefined, { allowDataLoss: true }).catch((e) => e)
    expect(err).toBeInstanceOf(PlanRefusedError)
    expect(err.message).toMatch(/1 value\(s\) of \(sku\) appear more than once once the plan has converted or filled them/)
    expect((await scope.rows('Sku', 'id')).map((r) => r.sku)).toEqual(['ABCDE-001', 'ABCDE-002'])
    expect((await scope.catalog.indexes('Sku')).filter((i) => i.unique)).toEqual([])
  })

  it('adds a required unique property: refused over several rows sharing its default, applied over one', async () => {
    await ds(defineModel({ name: 'Ru', properties: { id } })).autoupdate()
    await scope.insert('Ru', { id: 1 })
    await scope.insert('Ru', { id: 2 })
    const d = ds(defineModel({ name: 'Ru', properties: { id, code: { type: 'string', length: 20, required: true, default: 'x', index: { unique: true } } } }))
    await expect(d.autoupdate()).rejects.toThrow(/appear more than once/)
    expect((await scope.catalog.columns('Ru')).map((c) => c.name)).toEqual(['id'])
    await scope.raw(`DELETE FROM ${scope.table('Ru')} WHERE ${scope.quote('id')} = 2`)
    await d.autoupdate()
    expect((await scope.rows('Ru', 'id')).map((r) => r.code)).toEqual(['x'])
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it('applies a unique key over a column holding several NULLs', async () => {
    await ds(defineModel({ name: 'Nu', properties: { id, email: { type: 'string', length: 50 } } })).autoupdate()
    for (const [i, email] of [null, null, 'a@x'].entries()) await scope.insert('Nu', { id: i + 1, email })
    const d = ds(defineModel({ name: 'Nu', properties: { id, email: { type: 'string', length: 50, index: { unique: true } } } }))
    await d.autoupdate()
    expect((await scope.catalog.indexes('Nu')).filter((i) => i.unique).length).toBe(1)
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it('refuses a foreign key over orphan rows before anything commits', async () => {
    const Parent = defineModel({ name: 'Par', properties: { id } })
    await ds(Parent, defineModel({ name: 'Kid', properties: { id, parId: { type: 'number', dataType: 'integer' } } })).autoupdate()
    await scope.insert('Par', { id: 1 })
    await scope.insert('Kid', { id: 1, parId: 1 })
    await scope.insert('Kid', { id: 2, parId: 99 })
    await scope.insert('Kid', { id: 3, parId: null })
    const Kid = defineModel({
      name: 'Kid',
      properties: { id, parId: { type: 'number', dataType: 'integer' } },
      settings: { foreignKeys: { fkKidPar: { name: 'fk_kid_par', entity: 'Par', entityKey: 'id', foreignKey: 'parId' } } },
    })
    const d = ds(Parent, Kid)
    const stamp = await scope.schemaStamp()
    await expect(d.autoupdate(undefined, { allowDataLoss: true })).rejects.toThrow(/1 row\(s\) have \(parId\) matching no row of "Par"/)
    expect(await scope.schemaStamp()).toBe(stamp)
    await scope.raw(`DELETE FROM ${scope.table('Kid')} WHERE ${scope.quote('id')} = 2`)
    await d.autoupdate()
    expect((await d.planAutoupdate()).changes).toEqual([])
  })
})

describe('SQLite keeps what it never enforced in view', () => {
  const sqlite = backends.find((b) => b.name === 'sqlite')!
  let scope: TestScope
  const ds = useScope(sqlite, (s) => (scope = s))

  it('a widening rebuild counts values already longer than the new length as loss', async () => {
    await ds(defineModel({ name: 'Wide', properties: { id, note: { type: 'string', length: 10 } } })).autoupdate()
    await scope.insert('Wide', { id: 1, note: 'x'.repeat(50) })
    await scope.insert('Wide', { id: 2, note: 'short' })
    const d = ds(defineModel({ name: 'Wide', properties: { id, note: { type: 'string', length: 20 } } }))
    const err = await d.autoupdate().catch((e) => e)
    expect(err).toBeInstanceOf(PlanRefusedError)
    expect(err.message).toMatch(/1 row\(s\) are longer than 20 characters and would be cut/)
    expect((await scope.rows('Wide', 'id')).map((r) => r.note.length)).toEqual([50, 5])
    await d.autoupdate(undefined, { allowDataLoss: true })
    expect((await scope.rows('Wide', 'id')).map((r) => r.note)).toEqual(['x'.repeat(20), 'short'])
  })

  it('an integer → double widening counts 64-bit values a double rounds', async () => {
    await ds(defineModel({ name: 'Big', properties: { id, n: { type: 'number', dataType: 'integer' } } })).autoupdate()
    await scope.raw(`INSERT INTO ${scope.table('Big')} (id, n) VALUES (1, 9007199254740993), (2, 7)`)
    const d = ds(defineModel({ name: 'Big', properties: { id, n: { type: 'number' } } }))
    await expect(d.autoupdate()).rejects.toThrow(/1 row\(s\) would change converting integer → double: whole numbers beyond 2\^53/)
    expect((await scope.raw(`SELECT CAST(n AS TEXT) AS n FROM ${scope.table('Big')} ORDER BY id`)).map((r) => r.n)).toEqual(['9007199254740993', '7'])
  })
})
