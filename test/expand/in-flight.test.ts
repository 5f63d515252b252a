import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel, type ModelClass } from '../../src/index.js'
import { PG_URL } from '../support/backends.js'
// @ts-expect-error plain ESM shared with the child process and the bench
import { expandCases } from '../support/expand-models.mjs'

// What else may run while an expand is in flight: auto-updates (an application's boot), another
// expand, an abort. Everything is read back from the catalog and the rows.

type Kind = 'rename' | 'type' | 'required' | 'split' | 'merge'
const CASES = expandCases(defineModel) as Record<Kind, { v1: ModelClass; v2: ModelClass; expandOptions?: object; seed(t: string): string; v1Row(i: number): object; v2Row(i: number): object }>
const ROWS = 3000

const admin = new pg.Pool({ connectionString: PG_URL, max: 2 })
const q = (n: string) => `"${n.replace(/"/g, '""')}"`
const raw = async (sql: string, params?: unknown[]) => (await admin.query(sql, params)).rows
const schemas: string[] = []

afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`)
  await admin.end()
})

/** Every column of the table with its type, and its triggers: what an auto-update could have changed. */
async function shapeOf(schema: string, table: string) {
  const columns = await raw(
    `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, table],
  )
  const triggers = await raw(
    `SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND NOT t.tgisinternal`,
    [schema, table],
  )
  return { columns, triggers }
}

async function setup(kind: Kind) {
  const schema = `expf_${randomBytes(4).toString('hex')}`
  schemas.push(schema, `${schema}_v1`, `${schema}_v2`)
  await raw(`CREATE SCHEMA ${q(schema)}`)
  const c = CASES[kind]
  const base = { connector: 'postgresql', url: PG_URL, schema }
  const opened: DataSource[] = []
  const ds = (settings: object) => {
    const d = new DataSource({ ...base, ...settings } as ConstructorParameters<typeof DataSource>[0])
    opened.push(d)
    return d
  }
  await ds({ name: 'setup', models: [c.v1] }).autoupdate()
  await raw(c.seed(`${q(schema)}."Customer"`), [ROWS])
  const migrator = ds({ name: 'migrator', models: [c.v2] })
  const close = async () => {
    for (const d of opened) await d.disconnect()
  }
  return { schema, c, ds, migrator, close }
}

const until = async (what: () => boolean) => {
  for (let i = 0; i < 2000 && !what(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(what()).toBe(true)
}

describe('while an expand is in flight (PostgreSQL)', () => {
  for (const kind of ['rename', 'type', 'required', 'split', 'merge'] as Kind[])
    it(`${kind}: an auto-update with either version's models, without schemaVersion, holds the table back and changes nothing`, async () => {
      const { schema, c, ds, migrator, close } = await setup(kind)
      try {
        await migrator.expand(undefined, { ...c.expandOptions, backfill: false })
        const before = await shapeOf(schema, 'Customer')
        expect(before.triggers).toHaveLength(1)
        // The old version restarting, the new one starting with no schemaVersion, an operator's `shipshape migrate`.
        for (const [label, model] of [['v1', c.v1], ['v2', c.v2]] as const) {
          const app = ds({ name: `plain-${label}`, models: [model] })
          const r = await app.autoupdate(undefined, { removedColumns: 'drop' })
          expect(r.executed, label).toBe(false)
          expect(r.plan.changes, label).toEqual([])
          const held = r.plan.drift.filter((d) => d.kind === 'held')
          // A rename only adds views: to v1's models the table is exactly theirs, nothing to hold.
          const isV1Table = kind === 'rename' && label === 'v1'
          expect(held.map((d) => d.table.name), label).toEqual(isV1Table ? [] : ['Customer'])
          if (!isV1Table) expect(held[0]!.message).toMatch(/expand from v1 to v2 in flight \(phase backfilling\); contract \(shipshape expand contract\) makes its changes once v1 is gone/)
          // What waits is listed: the type change of the `type` case, for one.
          if (kind === 'type' && label === 'v2') expect(held[0]!.message).toMatch(/: alter column .*Customer\.age: type text → integer/)
          expect(await app.isActual(), label).toBe(isV1Table)
          expect(await shapeOf(schema, 'Customer'), label).toEqual(before)
        }
        // Both versions still write through their own shape.
        const v1 = ds({ name: 'v1', schemaVersion: 'v1', models: [c.v1] })
        const v2 = ds({ name: 'v2', schemaVersion: 'v2', models: [c.v2] })
        await new DefaultCrudRepository<any, number>(c.v1 as any, v1).create(c.v1Row(1))
        await new DefaultCrudRepository<any, number>(c.v2 as any, v2).create(c.v2Row(2))

        await migrator.contract()
        const after = ds({ name: 'after', models: [c.v2] })
        expect((await after.autoupdate()).plan.changes).toEqual([])
        expect(await after.isActual()).toBe(true)
      } finally {
        await close()
      }
    })

  it('refuses auto-update with models that are neither version, and auto-migrate, naming the table; nothing changes', async () => {
    const { schema, c, ds, migrator, close } = await setup('type')
    try {
      await migrator.expand()
      const before = await shapeOf(schema, 'Customer')
      const v3 = defineModel({ name: 'Customer', properties: { id: { type: 'number', id: true, generated: true }, name: { type: 'string', required: true }, age: { type: 'number' }, nickname: { type: 'string' } } })
      const err = await ds({ name: 'v3', models: [v3] }).autoupdate().catch((e) => e)
      expect(err.code).toBe('EXPAND_IN_FLIGHT')
      expect(err.message).toMatch(new RegExp(`table "${schema}.Customer" is being expanded from v1 to v2 \\(phase expanded\\)`))
      expect(err.message).toMatch(/column\(s\) "nickname", which neither v1 nor v2 has/)
      expect(err.message).toMatch(/shipshape expand contract.*shipshape expand abort/s)
      const drop = await ds({ name: 'dev', models: [c.v1] }).automigrate().catch((e) => e)
      expect(drop.code).toBe('EXPAND_IN_FLIGHT')
      expect(drop.message).toMatch(/auto-migrate would drop and re-create it/)
      expect(await shapeOf(schema, 'Customer')).toEqual(before)
      expect(Number((await raw(`SELECT count(*) AS n FROM ${q(schema)}."Customer"`))[0].n)).toBe(ROWS)
    } finally {
      await close()
    }
  })

  it('a running backfill keeps no auto-update waiting: it holds its own lock, not the migration lock', async () => {
    const { schema, ds, migrator, close } = await setup('type')
    try {
      await migrator.expand(undefined, { backfill: false })
      let batches = 0
      // Slow on purpose: 50-row batches 40 ms apart take seconds over 3,000 rows.
      const backfilling = migrator.expand(undefined, { batchSize: 50, throttleMs: 40, onProgress: () => batches++ })
      await until(() => batches > 0)
      const Other = defineModel({ name: 'Other', properties: { id: { type: 'number', id: true, generated: true }, label: { type: 'string' } } })
      const r = await ds({ name: 'other', models: [Other] }).autoupdate(undefined, { lockTimeout: 1000 })
      expect(r.executed).toBe(true)
      expect((await migrator.expandStatus()).phase).toBe('backfilling')
      expect(await raw(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'Other'`, [schema])).toHaveLength(1)
      // A second expand resumes the same backfill: it waits for the first one's lock, then finds it done.
      const second = ds({ name: 'second', models: [CASES.type.v2] })
      let waited = 0
      const [a, b] = await Promise.all([backfilling, second.expand(undefined, { onWaitForBackfill: () => waited++ })])
      for (const x of [a, b]) expect(x.status.phase).toBe('expanded')
      expect(waited).toBe(1)
      expect(Number((await raw(`SELECT count(*) AS n FROM ${q(schema)}."Customer" WHERE "_shipshape_new_age" IS NULL AND age IS NOT NULL`))[0].n)).toBe(0)
    } finally {
      await close()
    }
  })

  it('an abort from another process stops a running backfill, which returns quietly; every row keeps its value', async () => {
    const { schema, ds, migrator, close } = await setup('type')
    try {
      await migrator.expand(undefined, { backfill: false })
      let batches = 0
      const backfilling = migrator.expand(undefined, { batchSize: 50, throttleMs: 40, onProgress: () => batches++ })
      await until(() => batches > 2)
      const aborted = await ds({ name: 'aborter', models: [CASES.type.v2] }).abortExpand()
      expect(aborted.status.phase).toBe('aborted')
      const r = await backfilling
      expect(r.status.phase).toBe('aborted')
      expect((await shapeOf(schema, 'Customer')).columns.map((x) => x.attname)).toEqual(['id', 'name', 'age'])
      const wrong = await raw(`SELECT count(*) AS n FROM ${q(schema)}."Customer" WHERE age IS DISTINCT FROM (id % 90)::text OR name <> 'n' || id`)
      expect(Number(wrong[0].n)).toBe(0)
      expect(Number((await raw(`SELECT count(*) AS n FROM ${q(schema)}."Customer"`))[0].n)).toBe(ROWS)
    } finally {
      await close()
    }
  })

  it('under schemaVersion with no expand in flight, a breaking auto-update is refused (run expand first); additive changes and longer text pass', async () => {
    const { schema, c, ds, close } = await setup('type')
    try {
      const before = await shapeOf(schema, 'Customer')
      // The new version deployed without running expand first: its boot must not break the old one.
      const err = await ds({ name: 'v2-booting', schemaVersion: 'v2', models: [c.v2] }).autoupdate().catch((e) => e)
      expect(err.code).toBe('EXPAND_REQUIRED')
      expect(err.message).toMatch(/runs as schemaVersion "v2"/)
      expect(err.message).toMatch(/Customer\.age/)
      expect(err.message).toMatch(/shipshape expand/)
      expect(await shapeOf(schema, 'Customer')).toEqual(before)
      // A dry run only plans: it shows the changes.
      expect((await ds({ name: 'v2-dry', schemaVersion: 'v2', models: [c.v2] }).autoupdate(undefined, { dryRun: true })).plan.changes.length).toBeGreaterThan(0)

      const id = { type: 'number', id: true, generated: true }
      const props = { id, name: { type: 'string', required: true }, age: { type: 'string' }, note: { type: 'string' } }
      const additive = defineModel({ name: 'Customer', properties: { ...props, code: { type: 'string', postgresql: { dataType: 'varchar', dataLength: 20 } } } })
      expect((await ds({ name: 'v1-add', schemaVersion: 'v1', models: [additive] }).autoupdate()).executed).toBe(true)
      const wider = defineModel({ name: 'Customer', properties: { ...props, code: { type: 'string', postgresql: { dataType: 'varchar', dataLength: 80 } } } })
      expect((await ds({ name: 'v1-wider', schemaVersion: 'v1', models: [wider] }).autoupdate()).executed).toBe(true)
      const cols = (await shapeOf(schema, 'Customer')).columns.map((x) => [x.attname, x.type])
      expect(cols).toEqual([
        ['id', 'integer'],
        ['name', 'text'],
        ['age', 'text'],
        ['note', 'text'],
        ['code', 'character varying(80)'],
      ])
    } finally {
      await close()
    }
  })

  it('under schemaVersion during an expand, a breaking change to a table the expand does not own is refused too', async () => {
    const { schema, c, ds, migrator, close } = await setup('type')
    try {
      const id = { type: 'number', id: true, generated: true }
      const Other = defineModel({ name: 'Other', properties: { id, label: { type: 'string' } } })
      await ds({ name: 'other-v1', models: [Other] }).autoupdate()
      await migrator.expand()
      const Renamed = defineModel({ name: 'Other', properties: { id, title: { type: 'string', renamedFrom: 'label' } } })
      const err = await ds({ name: 'v2-more', schemaVersion: 'v2', models: [c.v2, Renamed] }).autoupdate().catch((e) => e)
      expect(err.code).toBe('EXPAND_REQUIRED')
      expect(err.message).toMatch(/rename column .*Other\.label to title/)
      expect((await shapeOf(schema, 'Other')).columns.map((x) => x.attname)).toEqual(['id', 'label'])
    } finally {
      await close()
    }
  })

  it('schemaVersion on a connector that would ignore it is refused when the datasource is made', () => {
    for (const settings of [{ connector: 'sqlite', file: ':memory:' }, { connector: 'mysql', url: 'mysql://root@127.0.0.1/test' }, { connector: 'pglite' }, { connector: 'memory' }]) {
      const made = () => new DataSource({ name: 'app', ...settings, schemaVersion: 'v2' } as ConstructorParameters<typeof DataSource>[0])
      expect(made, settings.connector).toThrow(/Datasource "app": schemaVersion is for zero-downtime deploys on a PostgreSQL server, and connector "(sqlite|mysql|pglite|memory)" doesn't apply it/)
    }
    // On PostgreSQL a bad label is refused at once too, before any connection.
    expect(() => new DataSource({ name: 'app', connector: 'postgresql', url: PG_URL, schemaVersion: 'v 2' })).toThrow(/schemaVersion "v 2" must be 1-20 letters/)
  })
})
