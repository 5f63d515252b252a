import { describe, expect, it } from 'vitest'
import { DataSource, defineModel, PlanRefusedError } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { useScope } from '../support/scope.js'

const id = { type: 'number', id: true } as const

// Scenarios that are one current/desired/expected step live as data in test/cases (renames,
// widening, conversions, required columns, unique keys, removed models); these keep what a case
// can't say: dry-run findings, drift hints, rows written after the change.
describe.each(backends)('safe auto-update on $name', (backend) => {
  let scope: TestScope
  const ds = useScope(backend, (s) => (scope = s))
  const idempotent = async (d: DataSource) => expect((await d.planAutoupdate()).changes.map((c) => c.summary)).toEqual([])

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
})
