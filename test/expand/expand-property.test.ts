import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel } from '../../src/index.js'
import { PG_URL } from '../support/backends.js'

// Any interleaving of the two versions' writes leaves every row's old and new representations in
// agreement: v1's `name`/`age` (text) and v2's `fullName`/`age` (integer) of one row.

const id = { type: 'number', id: true, generated: true }
const V1 = defineModel({ name: 'Person', properties: { id, name: { type: 'string', required: true }, age: { type: 'string' } } })
const V2 = defineModel({
  name: 'Person',
  properties: { id, fullName: { type: 'string', required: true, renamedFrom: 'name' }, age: { type: 'number', postgresql: { dataType: 'integer' } } },
})
const ROWS = 8

const admin = new pg.Pool({ connectionString: PG_URL, max: 1 })
const schema = `expprop_${randomBytes(4).toString('hex')}`
afterAll(async () => {
  for (const s of [schema, `${schema}_v1`, `${schema}_v2`]) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
  await admin.end()
})

type Op = { by: 'v1' | 'v2'; kind: 'insert' | 'update'; row: number; age: number | null; name: string }
const op = fc.record({
  by: fc.constantFrom('v1' as const, 'v2' as const),
  kind: fc.constantFrom('insert' as const, 'update' as const),
  row: fc.integer({ min: 1, max: ROWS }),
  age: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
  name: fc.string({ maxLength: 12 }).map((s) => s.replace(/\0/g, '')),
})

describe('expand: any interleaving of v1 and v2 writes keeps both representations in agreement', () => {
  it('holds for generated write sequences (PostgreSQL)', async () => {
    await admin.query(`CREATE SCHEMA "${schema}"`)
    const base = { connector: 'postgresql', url: PG_URL, schema }
    await new DataSource({ ...base, models: [V1] }).autoupdate()
    await admin.query(`INSERT INTO "${schema}"."Person" (name, age) SELECT 'n' || g, g::text FROM generate_series(1, ${ROWS}) g`)
    const migrator = new DataSource({ ...base, models: [V2] })
    const app1 = new DataSource({ ...base, schemaVersion: 'v1', models: [V1], max: 1 })
    const app2 = new DataSource({ ...base, schemaVersion: 'v2', models: [V2], max: 1 })
    try {
      await migrator.expand()
      const r1 = new DefaultCrudRepository<any, number>(V1 as any, app1)
      const r2 = new DefaultCrudRepository<any, number>(V2 as any, app2)
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops: Op[]) => {
          for (const o of ops) {
            const v1Row = { name: o.name, age: o.age === null ? null : String(o.age) }
            const v2Row = { fullName: o.name, age: o.age }
            if (o.kind === 'insert') await (o.by === 'v1' ? r1.create(v1Row) : r2.create(v2Row))
            else await (o.by === 'v1' ? r1.updateById(o.row, v1Row) : r2.updateById(o.row, v2Row))
            // Each version reads back what it wrote, in its own shape.
            if (o.kind === 'update') {
              if (o.by === 'v1') expect(await r2.findById(o.row)).toMatchObject({ fullName: o.name, age: o.age })
              else expect(await r1.findById(o.row)).toMatchObject({ name: o.name, age: o.age === null ? null : String(o.age) })
            }
          }
          const r = await admin.query(
            `SELECT count(*)::int AS n FROM "${schema}_v1"."Person" a FULL JOIN "${schema}_v2"."Person" b USING (id)
             WHERE a.name IS DISTINCT FROM b."fullName" OR a.age::integer IS DISTINCT FROM b.age OR a.id IS NULL OR b.id IS NULL`,
          )
          expect(r.rows[0].n).toBe(0)
        }),
        // EXPAND_PROP_RUNS: a longer run, from a random seed.
        process.env.EXPAND_PROP_RUNS ? { numRuns: Number(process.env.EXPAND_PROP_RUNS) } : { numRuns: 40, seed: 16 },
      )
      await migrator.contract()
      const rows = await admin.query(`SELECT count(*)::int AS n FROM "${schema}"."Person" WHERE "fullName" IS NULL`)
      expect(rows.rows[0].n).toBe(0)
    } finally {
      for (const ds of [migrator, app1, app2]) await ds.disconnect()
    }
  })
})
