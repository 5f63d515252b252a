import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel, migrateCli, type ModelClass } from '../../src/index.js'
import { PG_URL } from '../support/backends.js'
import { migrateInChild } from '../scenarios/processes.js'
// @ts-expect-error plain ESM shared with the child process and the bench
import { disagreement, expandCases } from '../support/expand-models.mjs'

type Kind = 'rename' | 'type' | 'required' | 'split' | 'merge'
const CASES = expandCases(defineModel) as Record<Kind, { v1: ModelClass; v2: ModelClass; expandOptions?: object; seed(t: string): string; v1Row(i: number): object; v2Row(i: number): object }>
const ROWS = 20_000

const admin = new pg.Pool({ connectionString: PG_URL, max: 2 })
const q = (n: string) => `"${n.replace(/"/g, '""')}"`
const raw = async (sql: string, params?: unknown[]) => (await admin.query(sql, params)).rows
const schemas: string[] = []

function newSchema() {
  const s = `exp_${randomBytes(4).toString('hex')}`
  schemas.push(s, `${s}_v1`, `${s}_v2`, `${s}_v3`)
  return s
}

afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`)
  await admin.end()
})

const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
})

/**
 * One application version in its own process, writing through its repository until stopped:
 * inserts, updates of existing rows, reads (test/support/expand-writer.mjs).
 */
function writer(config: object, kind: Kind, version: 'v1' | 'v2') {
  const child = fork(resolve('test/support/expand-writer.mjs'), [], {
    env: { ...process.env, CHILD_CONFIG: JSON.stringify(config), CHILD_KIND: kind, CHILD_VERSION: version, CHILD_ROWS: String(ROWS) },
  })
  children.push(child)
  const state = { ops: 0, errors: [] as string[] }
  child.on('message', (m: { ops: number; errors: string[] }) => Object.assign(state, m))
  const exited = new Promise<number | null>((r) => child.once('exit', r))
  return {
    get errors() {
      return state.errors
    },
    get ops() {
      return state.ops
    },
    /** Resolves once this many more operations have succeeded (or errors pile up, or the process died). */
    async more(n: number) {
      const target = state.ops + n
      while (state.ops < target && state.errors.length < 5 && child.exitCode === null) await new Promise((r) => setTimeout(r, 5))
      expect(child.exitCode, `${version} writer exited`).toBe(null)
    },
    async stop() {
      child.send('stop')
      expect(await exited).toBe(0)
    },
  }
}

async function columnsOf(schema: string, table: string): Promise<string[]> {
  const r = await raw(
    `SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, table],
  )
  return r.map((x) => x.attname)
}

async function triggersOf(schema: string, table: string): Promise<string[]> {
  const r = await raw(
    `SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND NOT t.tgisinternal`,
    [schema, table],
  )
  return r.map((x) => x.tgname)
}

async function schemaExists(s: string) {
  return (await raw(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [s])).length > 0
}

async function setup(kind: Kind) {
  const schema = newSchema()
  await raw(`CREATE SCHEMA ${q(schema)}`)
  const c = CASES[kind]
  const base = { connector: 'postgresql', url: PG_URL, schema }
  const migrator = new DataSource({ ...base, name: 'migrator', models: [c.v2] })
  const app1 = new DataSource({ ...base, name: 'v1', schemaVersion: 'v1', models: [c.v1], max: 3 })
  const app2 = new DataSource({ ...base, name: 'v2', schemaVersion: 'v2', models: [c.v2], max: 3 })
  await new DataSource({ ...base, name: 'setup', models: [c.v1] }).autoupdate().then(async (r) => r)
  await raw(c.seed(`${q(schema)}."Customer"`), [ROWS])
  const disagreeing = async () =>
    Number((await raw((disagreement as Record<Kind, (a: string, b: string) => string>)[kind](`${q(schema + '_v1')}."Customer"`, `${q(schema + '_v2')}."Customer"`)))[0].n)
  const close = async () => {
    for (const ds of [migrator, app1, app2]) await ds.disconnect()
  }
  const config = (version: 'v1' | 'v2') => ({ ...base, name: version, schemaVersion: version, max: 3 })
  return { schema, c, migrator, app1, app2, config, disagreeing, close }
}

describe('zero-downtime expand → backfill → contract (PostgreSQL)', () => {
  for (const kind of ['rename', 'type', 'required', 'split', 'merge'] as Kind[]) {
    it(`${kind}: v1 and v2 write through every phase with 0 errors, and both representations agree`, async () => {
      const { schema, c, migrator, config, disagreeing, close } = await setup(kind)
      try {
        // Each version is its own process, as in a rolling deploy.
        const w1 = writer(config('v1'), kind, 'v1')
        await w1.more(50)
        // Expand without backfill first, so that both versions write while the backfill runs.
        const started = await migrator.expand(undefined, { ...c.expandOptions, backfill: false })
        expect(started.executed).toBe(true)
        expect((await migrator.expandStatus()).phase).toBe('backfilling')
        expect(await schemaExists(`${schema}_v1`)).toBe(true)
        expect(await schemaExists(`${schema}_v2`)).toBe(true)
        expect(await triggersOf(schema, 'Customer')).toHaveLength(1)
        const w2 = writer(config('v2'), kind, 'v2')
        await w2.more(50)
        const progress: number[] = []
        await migrator.expand(undefined, { batchSize: 2000, onProgress: (p) => progress.push(p.rowsDone) })
        // A rename copies nothing: only the views differ until contract.
        if (kind !== 'rename') expect(progress.length).toBeGreaterThan(5)
        const status = await migrator.expandStatus()
        expect(status.phase).toBe('expanded')
        expect(status.exposedVersions.map((v) => v.version)).toEqual(['v1', 'v2'])
        expect(status.backfill[0]!.isDone).toBe(true)
        expect(status.backfill[0]!.rowsDone).toBeGreaterThanOrEqual(ROWS)
        await Promise.all([w1.more(100), w2.more(100)])
        expect(await disagreeing()).toBe(0)
        await Promise.all([w1.more(100), w2.more(100)])
        expect(await disagreeing()).toBe(0)

        // v1 is retired; v2 keeps writing through contract.
        await w1.stop()
        expect(await disagreeing()).toBe(0)
        const contracted = await migrator.contract()
        expect(contracted.followUp?.plan.changes ?? []).toEqual([])
        await w2.more(100)
        await w2.stop()
        expect(w1.errors).toEqual([])
        expect(w2.errors).toEqual([])
        expect(w1.ops).toBeGreaterThan(200)

        expect((await migrator.expandStatus()).phase).toBe('contracted')
        expect(await schemaExists(`${schema}_v1`)).toBe(false)
        expect(await schemaExists(`${schema}_v2`)).toBe(false)
        expect(await triggersOf(schema, 'Customer')).toEqual([])
        const cols = await columnsOf(schema, 'Customer')
        expect(cols.filter((n) => n.startsWith('_shipshape'))).toEqual([])
        expect(await migrator.isActual()).toBe(true)
        const t = `${q(schema)}."Customer"`
        if (kind === 'rename') {
          expect(cols).toEqual(['id', 'fullName', 'note'])
          expect(Number((await raw(`SELECT count(*)::int AS n FROM ${t} WHERE "fullName" IS NULL`))[0].n)).toBe(0)
        }
        if (kind === 'type') {
          const type = await raw(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'age'`, [`${q(schema)}."Customer"`])
          expect(type[0].t).toBe('integer')
          // Every seeded row kept its value, converted.
          expect(Number((await raw(`SELECT count(*)::int AS n FROM ${t} WHERE id <= $1 AND name LIKE 'n%' AND age <> (id % 90)`, [ROWS]))[0].n)).toBe(0)
        }
        if (kind === 'split') {
          expect(cols).toEqual(['id', 'firstName', 'lastName'])
          expect(Number((await raw(`SELECT count(*)::int AS n FROM ${t} WHERE id <= 100 AND "firstName" || ' ' || "lastName" <> 'first' || id || ' last' || id AND "firstName" NOT LIKE 'v%'`))[0].n)).toBe(0)
        }
        if (kind === 'merge') {
          expect(cols).toEqual(['id', 'fullName'])
          const nn = await raw(`SELECT attnotnull FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'fullName'`, [`${q(schema)}."Customer"`])
          expect(nn[0].attnotnull).toBe(true)
          // Seeded rows v2 never rewrote kept their merged value.
          expect(Number((await raw(`SELECT count(*)::int AS n FROM ${t} WHERE id <= 100 AND "fullName" <> 'first' || id || ' last' || id AND "fullName" NOT LIKE 'v%'`))[0].n)).toBe(0)
        }
        if (kind === 'required') {
          const nn = await raw(`SELECT attnotnull FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'country'`, [`${q(schema)}."Customer"`])
          expect(nn[0].attnotnull).toBe(true)
        }
      } finally {
        await close()
      }
    })
  }

  it('a v1 write never overwrites what v2 wrote into a column v1 does not see', async () => {
    const { schema, c, migrator, app1, app2, close } = await setup('required')
    try {
      await migrator.expand()
      const r2 = new DefaultCrudRepository<any, number>(c.v2 as any, app2)
      const r1 = new DefaultCrudRepository<any, number>(c.v1 as any, app1)
      await r2.updateById(5, { country: 'FR' })
      await r1.updateById(5, { name: 'renamed by v1' })
      const row = await r2.findById(5)
      expect(row).toMatchObject({ name: 'renamed by v1', country: 'FR' })
      const inserted = await r1.create({ name: 'from v1' })
      expect((await r2.findById(inserted.id)).country).toBe('unknown')
      expect((await raw(`SELECT country FROM ${q(schema)}."Customer" WHERE id = 6`))[0].country).toBe('unknown')
    } finally {
      await close()
    }
  })

  it('an application under schemaVersion leaves the schema to the expand in flight (its boot-time auto-update does nothing)', async () => {
    const { schema, migrator, app2, close } = await setup('type')
    try {
      await migrator.expand()
      const r = await app2.autoupdate()
      expect(r.executed).toBe(false)
      expect(r.plan.changes).toEqual([])
      expect(await columnsOf(schema, 'Customer')).toEqual(['id', 'name', 'age', '_shipshape_new_age'])
      await migrator.contract()
      expect((await app2.autoupdate()).plan.changes).toEqual([])
    } finally {
      await close()
    }
  })

  it('abort rolls the expand back and keeps every write v2 made meanwhile', async () => {
    const { schema, c, migrator, app2, close } = await setup('type')
    try {
      await migrator.expand()
      const r2 = new DefaultCrudRepository<any, number>(c.v2 as any, app2)
      const made = await r2.create({ name: 'made by v2', age: 33 })
      await r2.updateById(7, { age: 70 })
      const aborted = await migrator.abortExpand()
      expect(aborted.status.phase).toBe('aborted')
      expect(aborted.status.exposedVersions).toEqual([])
      expect(await columnsOf(schema, 'Customer')).toEqual(['id', 'name', 'age'])
      expect(await triggersOf(schema, 'Customer')).toEqual([])
      const rows = await raw(`SELECT id, name, age FROM ${q(schema)}."Customer" WHERE id IN (7, $1) ORDER BY id`, [made.id])
      expect(rows).toEqual([
        { id: 7, name: 'n7', age: '70' },
        { id: made.id, name: 'made by v2', age: '33' },
      ])
      // Nothing in flight: contract and abort say so.
      await expect(migrator.contract()).rejects.toThrow(/No expand is in flight/)
    } finally {
      await close()
    }
  })

  it('refuses rows that cannot convert, with their count, and changes nothing', async () => {
    const { schema, migrator, close } = await setup('type')
    try {
      await raw(`UPDATE ${q(schema)}."Customer" SET age = 'old' WHERE id <= 3`)
      await expect(migrator.expand()).rejects.toThrow(/^Expand refused:[^]*3 row\(s\) hold values that can't be converted/)
      expect(await columnsOf(schema, 'Customer')).toEqual(['id', 'name', 'age'])
      expect(await schemaExists(`${schema}_v2`)).toBe(false)
    } finally {
      await close()
    }
  })

  it('a backfill killed with SIGKILL resumes where its last batch ended', async () => {
    const { schema, c, migrator, disagreeing, close } = await setup('type')
    try {
      const child = await migrateInChild(
        { connector: 'postgresql', url: PG_URL, schema },
        { CHILD_KIND: 'type', CHILD_KILL_AFTER: '6000' },
        resolve('test/support/expand-child.mjs'),
      )
      expect(child.signal).toBe('SIGKILL')
      const mid = await migrator.expandStatus()
      expect(mid.phase).toBe('backfilling')
      expect(mid.backfill[0]!.rowsDone).toBeGreaterThanOrEqual(6000)
      expect(mid.backfill[0]!.rowsDone).toBeLessThan(ROWS)
      const unfilled = Number((await raw(`SELECT count(*)::int AS n FROM ${q(schema)}."Customer" WHERE "_shipshape_new_age" IS NULL`))[0].n)
      expect(unfilled).toBeGreaterThan(0)
      const seen: number[] = []
      await migrator.expand(undefined, { onProgress: (p) => seen.push(p.rowsDone) })
      // Resumed, not restarted: the first batch reported starts past what the killed run had done.
      expect(seen[0]).toBeGreaterThan(mid.backfill[0]!.rowsDone)
      const end = await migrator.expandStatus()
      expect(end.phase).toBe('expanded')
      expect(end.backfill[0]!.rowsDone).toBe(ROWS)
      expect(await disagreeing()).toBe(0)
      void c
    } finally {
      await close()
    }
  })

  it('a second expand after contract goes from v2 to v3, and v3 writes are told apart by their schema', async () => {
    const { schema, c, migrator, app2, close } = await setup('rename')
    const V3 = defineModel({
      name: 'Customer',
      properties: {
        id: { type: 'number', id: true, generated: true },
        fullName: { type: 'string', required: true },
        note: { type: 'number', postgresql: { dataType: 'integer' }, expand: { up: `nullif(regexp_replace(note, '[^0-9]', '', 'g'), '')::integer`, down: `'#' || note` } },
      },
    })
    const base = { connector: 'postgresql', url: PG_URL, schema }
    const migrator3 = new DataSource({ ...base, name: 'migrator3', models: [V3] })
    const app3 = new DataSource({ ...base, name: 'v3', schemaVersion: 'v3', models: [V3], max: 2 })
    try {
      await migrator.expand()
      await migrator.contract()
      await raw(`UPDATE ${q(schema)}."Customer" SET note = '#' || id`)
      const second = await migrator3.expand()
      expect([second.status.from, second.status.to, second.status.phase]).toEqual(['v2', 'v3', 'expanded'])
      expect(second.status.exposedVersions.map((v) => v.schema)).toEqual([`${schema}_v2`, `${schema}_v3`])
      const r2 = new DefaultCrudRepository<any, number>(c.v2 as any, app2)
      const r3 = new DefaultCrudRepository<any, number>(V3 as any, app3)
      expect((await r3.findById(12)).note).toBe(12)
      await r3.updateById(12, { note: 99 })
      expect((await r2.findById(12)).note).toBe('#99')
      await r2.updateById(13, { note: '#1300' })
      expect((await r3.findById(13)).note).toBe(1300)
      await migrator3.contract()
      expect(await columnsOf(schema, 'Customer')).toEqual(['id', 'fullName', 'note'])
      expect((await raw(`SELECT note FROM ${q(schema)}."Customer" WHERE id IN (12, 13, 14) ORDER BY id`)).map((r) => r.note)).toEqual([99, 1300, 14])
    } finally {
      await close()
      await migrator3.disconnect()
      await app3.disconnect()
    }
  })

  it('an index over a converted column is built again, concurrently, by the auto-update contract ends with', async () => {
    const schema = newSchema()
    await raw(`CREATE SCHEMA ${q(schema)}`)
    const id = { type: 'number', id: true, generated: true }
    const settings = { indexes: { customer_age_idx: { keys: { age: 1 as const } } } }
    const V1 = defineModel({ name: 'Customer', properties: { id, age: { type: 'string' } }, settings })
    const V2 = defineModel({ name: 'Customer', properties: { id, age: { type: 'number', postgresql: { dataType: 'integer' } } }, settings })
    const base = { connector: 'postgresql', url: PG_URL, schema }
    const v1 = new DataSource({ ...base, models: [V1] })
    const v2 = new DataSource({ ...base, models: [V2] })
    try {
      await v1.autoupdate()
      await raw(`INSERT INTO ${q(schema)}."Customer" (age) SELECT (g % 50)::text FROM generate_series(1, 1000) g`)
      await v2.expand()
      const done = await v2.contract()
      expect(done.followUp?.plan.changes.map((c) => c.summary)).toEqual([expect.stringMatching(/add index customer_age_idx/)])
      expect(done.followUp?.plan.changes[0]!.statements.map((st) => st.sql).join('; ')).toMatch(/CREATE INDEX CONCURRENTLY/)
      const ix = await raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'customer_age_idx'`, [schema])
      expect(ix[0].indexdef).toMatch(/\(age\)/)
      expect(await v2.isActual()).toBe(true)
    } finally {
      await v1.disconnect()
      await v2.disconnect()
    }
  })

  it("an application's own migrate script takes --expand too (migrateCli), and SQLite refuses it", async () => {
    const ds = new DataSource({ connector: 'sqlite', file: ':memory:', models: [CASES.rename.v2] })
    const err = process.stderr.write
    let printed = ''
    process.stderr.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stderr.write
    try {
      expect(await migrateCli({ datasources: [ds] }, ['--expand'])).toBe(3)
    } finally {
      process.stderr.write = err
    }
    expect(printed).toMatch(/supported on PostgreSQL only/)
  })

  it('refuses --expand on SQLite clearly', async () => {
    const ds = new DataSource({ connector: 'sqlite', file: ':memory:', models: [CASES.rename.v2] })
    try {
      await expect(ds.expand()).rejects.toThrow(/PostgreSQL only/)
    } finally {
      await ds.disconnect()
    }
  })
})
