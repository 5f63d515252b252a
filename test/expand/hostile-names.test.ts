import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel } from '../../src/index.js'
import { PG_URL } from '../support/backends.js'

// Hostile names through every object an expand creates (new columns, trigger, conversion
// functions, version schemas and views, the state table): a rename and a type change with
// generated table, column and schema names full of quotes, semicolons, dollars, backslashes and
// multi-byte letters, some long enough that the derived names must be cut and hashed.

const admin = new pg.Pool({ connectionString: PG_URL, max: 1 })
const made: string[] = []
afterAll(async () => {
  for (const s of made) await admin.query(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`)
  await admin.end()
})
const q = (n: string) => `"${n.replace(/"/g, '""')}"`

const piece = fc.constantFrom('a', 'Z', '"', "'", ';', ' ', '--', '$1', '$$', '\\', 'é', '日本', '%', '(', ')', '.', '`', '/*', 'x')
const name = (maxPieces: number) =>
  fc
    .array(piece, { minLength: 1, maxLength: maxPieces })
    .map((p) => p.join(''))
    .filter((n) => Buffer.byteLength(n) <= 40 && n.trim() === n && n.toLowerCase() !== 'id')

describe('expand with hostile names (PostgreSQL)', () => {
  it('renames and converts columns of any name, both versions write, contract leaves the new shape with every value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ table: name(12), from: name(8), to: name(8), age: name(14), schemaTail: name(4) }).filter((r) => new Set([r.from, r.to, r.age].map((x) => x.toLowerCase())).size === 3),
        async ({ table, from, to, age, schemaTail }) => {
          const schema = `exh_${randomBytes(3).toString('hex')}${schemaTail}`.slice(0, 40)
          made.push(schema, `${schema}_v1`, `${schema}_v2`)
          await admin.query(`CREATE SCHEMA ${q(schema)}`)
          const id = { type: 'number', id: true, generated: true }
          const V1 = defineModel({ name: 'Thing', settings: { postgresql: { table } }, properties: { id, [from]: { type: 'string', required: true }, [age]: { type: 'string' } } })
          const V2 = defineModel({
            name: 'Thing',
            settings: { postgresql: { table } },
            properties: { id, [to]: { type: 'string', required: true, renamedFrom: from }, [age]: { type: 'number', postgresql: { dataType: 'integer' } } },
          })
          const base = { connector: 'postgresql', url: PG_URL, schema }
          const all = [new DataSource({ ...base, models: [V1] }), new DataSource({ ...base, models: [V2] })]
          const [setup, migrator] = all as [DataSource, DataSource]
          const app1 = new DataSource({ ...base, schemaVersion: 'v1', models: [V1], max: 1 })
          const app2 = new DataSource({ ...base, schemaVersion: 'v2', models: [V2], max: 1 })
          all.push(app1, app2)
          try {
            await setup.autoupdate()
            await admin.query(`INSERT INTO ${q(schema)}.${q(table)} (${q(from)}, ${q(age)}) SELECT 'n' || g || $1, g::text FROM generate_series(1, 5) g`, [from])
            await migrator.expand()
            const r1 = new DefaultCrudRepository<any, number>(V1 as any, app1)
            const r2 = new DefaultCrudRepository<any, number>(V2 as any, app2)
            const a = await r1.create({ [from]: `v1 ${table}`, [age]: '41' })
            const b = await r2.create({ [to]: `v2 ${table}`, [age]: 42 })
            expect(await r2.findById(a.id)).toMatchObject({ [to]: `v1 ${table}`, [age]: 41 })
            expect(await r1.findById(b.id)).toMatchObject({ [from]: `v2 ${table}`, [age]: '42' })
            await migrator.contract()
            const cols = await admin.query(
              `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS t FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
              [`${q(schema)}.${q(table)}`],
            )
            expect(cols.rows.map((r) => [r.attname, r.t])).toEqual([
              ['id', 'integer'],
              [to, 'text'],
              [age, 'integer'],
            ])
            const rows = await admin.query(`SELECT id, ${q(to)} AS n, ${q(age)} AS a FROM ${q(schema)}.${q(table)} ORDER BY id`)
            expect(rows.rows).toEqual([
              ...[1, 2, 3, 4, 5].map((g) => ({ id: g, n: `n${g}${from}`, a: g })),
              { id: a.id, n: `v1 ${table}`, a: 41 },
              { id: b.id, n: `v2 ${table}`, a: 42 },
            ])
            expect(await migrator.isActual()).toBe(true)
          } finally {
            for (const d of all) await d.disconnect()
            await admin.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`)
          }
        },
      ),
      { numRuns: Number(process.env.EXPAND_HOSTILE_RUNS ?? 12) },
    )
  })

  it('a schema name at the identifier limit: the version schemas are cut and hashed, and schemaVersion finds them', async () => {
    const schema = `exh_long_${randomBytes(3).toString('hex')}_${'x'.repeat(44)} y`
    expect(Buffer.byteLength(schema)).toBe(62)
    made.push(schema)
    await admin.query(`CREATE SCHEMA ${q(schema)}`)
    const id = { type: 'number', id: true, generated: true }
    const V1 = defineModel({ name: 'Thing', properties: { id, age: { type: 'string' } } })
    const V2 = defineModel({ name: 'Thing', properties: { id, age: { type: 'number', postgresql: { dataType: 'integer' } } } })
    const base = { connector: 'postgresql', url: PG_URL, schema }
    const all = [new DataSource({ ...base, models: [V1] }), new DataSource({ ...base, models: [V2] })]
    const app1 = new DataSource({ ...base, schemaVersion: 'v1', models: [V1], max: 1 })
    const app2 = new DataSource({ ...base, schemaVersion: 'v2', models: [V2], max: 1 })
    all.push(app1, app2)
    try {
      await all[0]!.autoupdate()
      const { status } = await all[1]!.expand()
      const schemas = status.exposedVersions.map((v) => v.schema)
      made.push(...schemas)
      // `<schema>_v1` would be 65 bytes: each version's schema is a cut with a hash, and they differ.
      expect(schemas).toHaveLength(2)
      for (const s of schemas) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(63)
      expect(schemas[0]).not.toBe(schemas[1])
      const b = await new DefaultCrudRepository<any, number>(V2 as any, app2).create({ age: 42 })
      expect(await new DefaultCrudRepository<any, number>(V1 as any, app1).findById(b.id)).toMatchObject({ age: '42' })
      const first = await app2.execute('SELECT (current_schemas(false))[1] AS s')
      expect((first as Array<{ s: string }>)[0]!.s).toBe(schemas[1])
    } finally {
      for (const d of all) await d.disconnect()
    }
  })
})
