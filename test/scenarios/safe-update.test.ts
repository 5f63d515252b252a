import { describe, expect, it } from 'vitest'
import { DataSource, defineModel, PlanRefusedError } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { useScope } from '../support/scope.js'
import { expectations } from '../support/expectations.js'

const id = { type: 'number', id: true } as const

describe.each(backends)('safe auto-update on $name', (backend) => {
  const expected = expectations[backend.dialect]!
  let scope: TestScope
  const ds = useScope(backend, (s) => (scope = s))
  const idempotent = async (d: DataSource) => expect((await d.planAutoupdate()).changes.map((c) => c.summary)).toEqual([])

  it('renames a column and a table in place when declared, keeping the data', async () => {
    await ds(defineModel({ name: 'Customer', properties: { id, fullname: { type: 'string' } } })).autoupdate()
    await scope.insert('Customer', { id: 1, fullname: 'Ada' })
    const Client = defineModel({
      name: 'Client',
      properties: { id, name: { type: 'string', renamedFrom: 'fullname' } },
      settings: { renamedFrom: 'Customer' },
    })
    const d = ds(Client)
    const r = await d.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['rename-table', 'rename-column'])
    expect(await scope.catalog.tables()).toEqual(['Client'])
    expect(await scope.rows('Client', 'id')).toEqual([{ id: 1, name: 'Ada' }])
    await idempotent(d)
  })

  it('a renamed column keeps its index: the engine renames it inside, nothing is dropped or rebuilt', async () => {
    const indexes = (column: string) => ({ indexes: { person_name_idx: { keys: { [column]: 1 as const } } } })
    await ds(defineModel({ name: 'Person', properties: { id, fullname: { type: 'string', length: 100 } }, settings: indexes('fullname') })).autoupdate()
    await scope.insert('Person', { id: 1, fullname: 'Ada' })
    const d = ds(defineModel({ name: 'Person', properties: { id, name: { type: 'string', length: 100, renamedFrom: 'fullname' } }, settings: indexes('name') }))
    const r = await d.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['rename-column'])
    expect((await scope.catalog.indexes('Person')).map((i) => i.name)).toEqual(['person_name_idx'])
    expect(await scope.rows('Person', 'id')).toEqual([{ id: 1, name: 'Ada' }])
    await idempotent(d)
  })

  it('refuses an undeclared rename (drop one column, add a like one) and suggests renamedFrom', async () => {
    await ds(defineModel({ name: 'P', properties: { id, fullname: { type: 'string' } } })).autoupdate()
    await scope.insert('P', { id: 1, fullname: 'Ada' })
    const d = ds(defineModel({ name: 'P', properties: { id, name: { type: 'string' } } }))
    const err = await d.autoupdate(undefined, { removedColumns: 'drop' }).catch((e) => e)
    expect(err).toBeInstanceOf(PlanRefusedError)
    expect(err.message).toMatch(/P\.fullname": dropping the column loses its data; if property "name" is this column renamed, declare \{renamedFrom: 'fullname'\}/)
    // Kept by default, with the same hint in the drift report.
    const plan = await d.planAutoupdate()
    expect(plan.drift[0]!.message).toMatch(/renamedFrom: 'fullname'/)
    expect(await scope.rows('P', 'id')).toEqual([{ id: 1, fullname: 'Ada' }])
  })

  it('widens types without asking, rows intact', async () => {
    await ds(
      defineModel({ name: 'W', properties: { id, code: { type: 'string', length: 50 }, n: { type: 'number', dataType: 'integer' }, note: { type: 'string', length: 10 } } }),
    ).autoupdate()
    await scope.insert('W', { id: 1, code: 'abc', n: 2147483647, note: 'short' })
    const d = ds(
      defineModel({ name: 'W', properties: { id, code: { type: 'string', length: 200 }, n: { type: 'number', dataType: 'bigint' }, note: { type: 'string' } } }),
    )
    const r = await d.autoupdate()
    expect(r.executed).toBe(true)
    expect(r.plan.changes.every((c) => c.risk !== 'destructive')).toBe(true)
    // Raw drivers return bigint as text (pg) or number: compare the value.
    expect((await scope.rows('W', 'id')).map((r) => ({ ...r, n: Number(r.n) }))).toEqual([{ id: 1, code: 'abc', n: 2147483647, note: 'short' }])
    await idempotent(d)
  })

  it('counts the rows a narrowing would cut, refuses, then cuts them with allowDataLoss', async () => {
    await ds(defineModel({ name: 'N', properties: { id, code: { type: 'string', length: 50 } } })).autoupdate()
    await scope.insert('N', { id: 1, code: 'fits' })
    await scope.insert('N', { id: 2, code: 'much-too-long-value' })
    await scope.insert('N', { id: 3, code: 'also-far-too-long' })
    const d = ds(defineModel({ name: 'N', properties: { id, code: { type: 'string', length: 8 } } }))
    const dry = await d.autoupdate(undefined, { dryRun: true })
    expect(dry.plan.changes.flatMap((c) => c.findings ?? []).map((f) => f.rows)).toEqual([2])
    const err = await d.autoupdate().catch((e) => e)
    expect(err).toBeInstanceOf(PlanRefusedError)
    expect(err.message).toMatch(/model "N" property "code" column ".*N\.code": 2 row\(s\) are longer than 8 characters and would be cut/)
    await d.autoupdate(undefined, { allowDataLoss: true })
    expect((await scope.rows('N', 'id')).map((r) => r.code)).toEqual(['fits', 'much-too', 'also-far'])
    await idempotent(d)
  })

  it('refuses a conversion that rows cannot survive, names the count, and converts once they can', async () => {
    await ds(defineModel({ name: 'C', properties: { id, qty: { type: 'string' } } })).autoupdate()
    await scope.insert('C', { id: 1, qty: '12' })
    await scope.insert('C', { id: 2, qty: 'twelve' })
    await scope.insert('C', { id: 3, qty: null })
    const d = ds(defineModel({ name: 'C', properties: { id, qty: { type: 'number', dataType: 'integer' } } }))
    const err = await d.autoupdate(undefined, { allowDataLoss: true }).catch((e) => e)
    expect(err).toBeInstanceOf(PlanRefusedError)
    expect(err.rule).toBe('would-fail')
    expect(err.message).toMatch(/property "qty" column ".*C\.qty": 1 row\(s\) hold values that can't be converted/)
    await scope.raw(`UPDATE ${scope.table('C')} SET ${scope.quote('qty')} = '7' WHERE ${scope.quote('id')} = 2`)
    await expect(d.autoupdate()).rejects.toThrow(`converting ${expected.describedString} to integer can fail`)
    await d.autoupdate(undefined, { allowDataLoss: true })
    expect((await scope.rows('C', 'id')).map((r) => r.qty)).toEqual([12, 7, null])
    await idempotent(d)
  })

  it('refuses NOT NULL while rows hold NULL, with the count and the fix; never backfills a default', async () => {
    await ds(defineModel({ name: 'R', properties: { id, email: { type: 'string' } } })).autoupdate()
    await scope.insert('R', { id: 1, email: 'a@x' })
    await scope.insert('R', { id: 2, email: null })
    const d = ds(defineModel({ name: 'R', properties: { id, email: { type: 'string', required: true, default: 'none' } } }))
    const err = await d.autoupdate(undefined, { allowDataLoss: true }).catch((e) => e)
    expect(err).toBeInstanceOf(PlanRefusedError)
    expect(err.message).toMatch(/property "email" column ".*R\.email": becomes NOT NULL but 1 row\(s\) hold NULL\. Fill them first \(UPDATE .* SET .*email.* IS NULL\)/)
    expect((await scope.rows('R', 'id'))[1]!.email).toBeNull()
    await scope.raw(`UPDATE ${scope.table('R')} SET ${scope.quote('email')} = 'b@x' WHERE ${scope.quote('id')} = 2`)
    await d.autoupdate()
    expect((await scope.rows('R', 'id')).map((r) => r.email)).toEqual(['a@x', 'b@x'])
    await idempotent(d)
  })

  it('applies a changed default to new rows only, and adds a required column with a default to a table with rows', async () => {
    await ds(defineModel({ name: 'D', properties: { id, status: { type: 'string', default: 'new' } } })).autoupdate()
    await scope.insert('D', { id: 1 })
    await scope.insert('D', { id: 2, status: null })
    const d = ds(
      defineModel({
        name: 'D',
        properties: { id, status: { type: 'string', default: 'draft' }, rank: { type: 'number', required: true, default: 5 } },
      }),
    )
    const r = await d.autoupdate()
    expect(r.plan.changes.map((c) => c.summary).join('\n')).toMatch(/set default/)
    await scope.insert('D', { id: 3 })
    expect((await scope.rows('D', 'id')).map((x) => [x.status, x.rank])).toEqual([
      ['new', 5],
      [null, 5],
      ['draft', 5],
    ])
    await idempotent(d)
  })

  it('refuses a required column without a default on a table with rows', async () => {
    await ds(defineModel({ name: 'Q', properties: { id } })).autoupdate()
    await scope.insert('Q', { id: 1 })
    const d = ds(defineModel({ name: 'Q', properties: { id, must: { type: 'string', required: true } } }))
    await expect(d.autoupdate()).rejects.toThrow(/property "must" .*: a new required column without a default, and the table has rows/)
    expect((await scope.catalog.columns('Q')).map((c) => c.name)).toEqual(['id'])
  })

  it('refuses a unique index over duplicates, with the count', async () => {
    await ds(defineModel({ name: 'U', properties: { id, email: { type: 'string', length: 100 } } })).autoupdate()
    await scope.insert('U', { id: 1, email: 'a@x' })
    await scope.insert('U', { id: 2, email: 'a@x' })
    const d = ds(defineModel({ name: 'U', properties: { id, email: { type: 'string', length: 100, unique: true } } }))
    await expect(d.autoupdate()).rejects.toThrow(/1 value\(s\) of \(email\) appear more than once/)
    expect(await scope.catalog.indexes('U')).toEqual([])
  })

  it('never drops the table of a removed model', async () => {
    const A = defineModel({ name: 'Keep', properties: { id } })
    const B = defineModel({ name: 'Other', properties: { id } })
    await ds(A, B).autoupdate()
    await scope.insert('Keep', { id: 1 })
    await ds(B).autoupdate(undefined, { allowDataLoss: true, removedColumns: 'drop' })
    expect(await scope.rows('Keep', 'id')).toEqual([{ id: 1 }])
  })
})
