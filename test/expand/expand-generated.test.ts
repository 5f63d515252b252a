import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel, ExpandRefusedError, type PropertyDefinition } from '../../src/index.js'
import { PG_URL } from '../support/backends.js'

// Generated model changes through expand → both versions write → contract. The invariant: the
// expand is refused and nothing changed, or, after contract, the table has exactly the new
// version's shape (auto-update has nothing left to do), every seeded row kept its values (renamed
// and converted as declared), and each version's writes are there.

const admin = new pg.Pool({ connectionString: PG_URL, max: 1 })
const made: string[] = []
afterAll(async () => {
  for (const s of made) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
  await admin.end()
})

type Kind = 'text' | 'int'
type Edit = 'keep' | 'rename' | 'convert' | 'rename-convert' | 'drop'
interface Case {
  columns: Array<{ kind: Kind; edit: Edit }>
  /** A new column: nullable, required with an `up`, or required with nothing to fill it (refused). */
  add?: 'nullable' | 'required' | 'required-bare'
  /** One more row whose text can't become an integer (a conversion of it is refused). */
  junk: boolean
}
const ROWS = 12
const prop = (kind: Kind, extra: object = {}): PropertyDefinition => (kind === 'text' ? { type: 'string', ...extra } : { type: 'number', postgresql: { dataType: 'integer' }, ...extra })
const other = (k: Kind): Kind => (k === 'text' ? 'int' : 'text')
/** The value row `i` holds in column `c` of version 1 (text holds digits, so it converts to integer). */
const seedValue = (c: number, i: number) => i * 10 + c

function models(t: Case) {
  const id = { type: 'number', id: true, generated: true }
  const v1: Record<string, PropertyDefinition> = { id }
  const v2: Record<string, PropertyDefinition> = { id }
  t.columns.forEach((col, c) => {
    v1[`c${c}`] = prop(col.kind)
    if (col.edit === 'keep') v2[`c${c}`] = prop(col.kind)
    if (col.edit === 'rename') v2[`r${c}`] = prop(col.kind, { renamedFrom: `c${c}` })
    if (col.edit === 'convert') v2[`c${c}`] = prop(other(col.kind))
    if (col.edit === 'rename-convert') v2[`r${c}`] = prop(other(col.kind), { renamedFrom: `c${c}` })
  })
  if (t.add === 'nullable') v2.added = prop('text')
  if (t.add === 'required') v2.added = prop('text', { required: true, expand: { up: `'filled'` } })
  if (t.add === 'required-bare') v2.added = prop('text', { required: true })
  return { V1: defineModel({ name: 'Gen', properties: v1 }), V2: defineModel({ name: 'Gen', properties: v2 }) }
}

/** A row as a version writes it: its columns' values for index `i`, typed as that version declares them. */
function rowOf(t: Case, version: 1 | 2, i: number): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  t.columns.forEach((col, c) => {
    const v = seedValue(c, i)
    if (version === 1) row[`c${c}`] = col.kind === 'text' ? String(v) : v
    else if (col.edit === 'keep') row[`c${c}`] = col.kind === 'text' ? String(v) : v
    else if (col.edit === 'rename') row[`r${c}`] = col.kind === 'text' ? String(v) : v
    else if (col.edit === 'convert') row[`c${c}`] = other(col.kind) === 'text' ? String(v) : v
    else if (col.edit === 'rename-convert') row[`r${c}`] = other(col.kind) === 'text' ? String(v) : v
  })
  if (version === 2 && t.add) row.added = `v2-${i}`
  return row
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  columns: fc.array(fc.record({ kind: fc.constantFrom<Kind>('text', 'int'), edit: fc.constantFrom<Edit>('keep', 'rename', 'convert', 'rename-convert', 'drop') }), { minLength: 1, maxLength: 4 }),
  add: fc.option(fc.constantFrom<'nullable' | 'required' | 'required-bare'>('nullable', 'required', 'required-bare'), { nil: undefined }),
  junk: fc.boolean(),
})

/** Whether the expand must refuse: a row that can't convert, or a required column the old version can't fill. */
const mustRefuse = (t: Case) => t.add === 'required-bare' || (t.junk && t.columns.some((c) => c.kind === 'text' && (c.edit === 'convert' || c.edit === 'rename-convert')))

async function shape(schema: string) {
  const r = await admin.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS nn FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [`"${schema}"."Gen"`],
  )
  return r.rows
}

const tally = { refused: 0, reshaped: 0, additive: 0 }
afterAll(() => {
  if (process.env.EXPAND_GEN_TALLY) console.log(JSON.stringify(tally))
})

describe('expand with generated model changes (PostgreSQL)', () => {
  it('is refused with nothing changed, or contracts to exactly the new shape with every row and both versions’ writes', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (t) => {
        const schema = `exg_${randomBytes(4).toString('hex')}`
        made.push(schema, `${schema}_v1`, `${schema}_v2`)
        await admin.query(`CREATE SCHEMA "${schema}"`)
        const { V1, V2 } = models(t)
        const base = { connector: 'postgresql', url: PG_URL, schema }
        const all = [new DataSource({ ...base, models: [V1] }), new DataSource({ ...base, models: [V2] })]
        const [setup, migrator] = all as [DataSource, DataSource]
        try {
          await setup.autoupdate()
          const seed = new DefaultCrudRepository<any, number>(V1 as any, setup)
          for (let i = 1; i <= ROWS; i++) await seed.create(rowOf(t, 1, i))
          if (t.junk) await seed.create(Object.fromEntries(t.columns.map((col, c) => [`c${c}`, col.kind === 'text' ? 'not a number' : 0])))
          const before = await shape(schema)
          const expanded = await migrator.expand(undefined, { removedColumns: 'drop' }).catch((e) => e)
          if (expanded instanceof ExpandRefusedError) {
            tally.refused++
            expect(mustRefuse(t), expanded.message).toBe(true)
            expect(await shape(schema)).toEqual(before)
            expect(await admin.query(`SELECT to_regnamespace($1) AS s`, [`${schema}_v2`]).then((r) => r.rows[0].s)).toBe(null)
            return
          }
          if (expanded instanceof Error) throw expanded
          expect(mustRefuse(t), JSON.stringify(t)).toBe(false)
          tally[expanded.plan.tables.length ? 'reshaped' : 'additive']++
          const app1 = new DataSource({ ...base, schemaVersion: 'v1', models: [V1], max: 1 })
          const app2 = new DataSource({ ...base, schemaVersion: 'v2', models: [V2], max: 1 })
          all.push(app1, app2)
          const w1 = await new DefaultCrudRepository<any, number>(V1 as any, app1).create(rowOf(t, 1, 100))
          const w2 = await new DefaultCrudRepository<any, number>(V2 as any, app2).create(rowOf(t, 2, 200))
          // Nothing to reshape (only additive changes, or none): the expand applied it all, nothing to contract.
          if (expanded.plan.tables.length) await migrator.contract(undefined, { removedColumns: 'drop', allowDataLoss: true })
          else expect((await migrator.expandStatus()).phase).toBe('none')
          expect(await migrator.isActual()).toBe(true)

          // Every row, read back through the new version, holds what it should.
          const repo = new DefaultCrudRepository<any, number>(V2 as any, migrator)
          for (const [id, i, by] of [...Array.from({ length: ROWS }, (_, k) => [k + 1, k + 1, 1] as const), [w1.id, 100, 1] as const, [w2.id, 200, 2] as const]) {
            const row = await repo.findById(id)
            const want = rowOf(t, 2, i)
            if (by === 1 && t.add) want.added = t.add === 'required' ? 'filled' : null
            else if (by === 1 && t.add === undefined) delete want.added
            expect(row, JSON.stringify({ t, id })).toMatchObject(want)
          }
        } finally {
          for (const d of all) await d.disconnect()
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}_v1" CASCADE`)
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}_v2" CASCADE`)
        }
      }),
      { numRuns: Number(process.env.EXPAND_GEN_RUNS ?? 25) },
    )
  })
})
