import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineModel, migrateFleet, parseTargets, type FleetTarget } from '../../src/index.js'
import { postgresLockKey } from '../../src/dialects/postgres/lock-key.js'
import { MYSQL_URL, PG_URL } from '../support/backends.js'

const props = {
  id: { type: 'number', id: true, generated: true },
  title: { type: 'string', required: true, length: 100 },
  body: { type: 'string' },
} as const
const V1 = [
  defineModel({ name: 'Todo', properties: { ...props }, settings: { indexes: { todo_title_idx: { keys: { title: 1 } } } } }),
  defineModel({ name: 'Tag', properties: { id: { type: 'number', id: true, generated: true }, label: { type: 'string' } } }),
]
// v2: a new column everywhere, and `body` becomes required: refused where a row has none.
const V2 = [
  defineModel({
    name: 'Todo',
    properties: { ...props, body: { type: 'string', required: true, default: '' }, priority: { type: 'number' } },
    settings: { indexes: { todo_title_idx: { keys: { title: 1 } } } },
  }),
  V1[1]!,
]

const id = () => randomBytes(4).toString('hex')

describe('migrateFleet on PostgreSQL schemas', () => {
  const prefix = `fleet_${id()}_`
  const schemas = Array.from({ length: 12 }, (_, i) => `${prefix}${i}`)
  const targets: FleetTarget[] = schemas.map((schema) => ({ connector: 'postgresql', url: PG_URL, schema }))
  const admin = new pg.Client({ connectionString: PG_URL })
  const columnsOf = async (schema: string, table: string) =>
    (
      await admin.query<{ c: string }>(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        [schema, table],
      )
    ).rows.map((r) => r.c)
  beforeAll(() => admin.connect())
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  })

  it('creates every tenant, then finds them all actual by fingerprint, introspecting one', async () => {
    const events: string[] = []
    const fresh = await migrateFleet({ models: V1, targets, concurrency: 4, onProgress: (e) => events.push(`${e.type}:${e.target}`) })
    expect(fresh.totals).toMatchObject({ targets: 12, ok: 12, applied: 12, failed: 0 })
    expect(events.filter((e) => e.startsWith('done:'))).toHaveLength(12)
    for (const s of schemas) expect(await columnsOf(s, 'Todo')).toEqual(['id', 'title', 'body'])
    // The same plan across tenants is one group, the schema's own name left out.
    expect(fresh.groups).toHaveLength(1)
    expect(fresh.groups[0]!.count).toBe(12)

    const again = await migrateFleet({ models: V1, targets, concurrency: 4 })
    expect(again.totals).toMatchObject({ actual: 12, statements: 0, fingerprintMatches: 11 })
  })

  it('plans v2 in a dry run, grouping tenants whose data makes the change refused apart', async () => {
    for (const s of schemas.slice(0, 2)) await admin.query(`INSERT INTO "${s}"."Todo" (title) VALUES ('no body')`)
    const dry = await migrateFleet({ models: V2, targets, dryRun: true })
    expect(dry.totals.failed).toBe(0)
    expect(dry.targets.every((t) => t.status === 'planned')).toBe(true)
    expect(dry.groups.map((g) => [g.count, g.summaries])).toEqual([
      [10, ['add column Todo.priority double', 'alter column Todo.body: set not null, set default']],
      [2, ['add column Todo.priority double', 'alter column Todo.body: set not null, set default — refused: existing rows would fail it']],
    ])
    for (const s of schemas) expect(await columnsOf(s, 'Todo')).toEqual(['id', 'title', 'body'])
  })

  it('migrates v2: a tenant whose rows refuse it, and one locked by another process, fail alone; a rerun finishes', async () => {
    // Tenants 0 and 1 hold rows without a body (the change would fail); tenant 5's migration
    // lock is held by another session. Its key is per schema, so the other tenants don't wait.
    const holder = new pg.Client({ connectionString: PG_URL })
    await holder.connect()
    await holder.query('SELECT pg_advisory_lock($1, $2)', postgresLockKey(schemas[5]!))
    let report
    try {
      report = await migrateFleet({ models: V2, targets, concurrency: 4, lockTimeout: 300 })
    } finally {
      await holder.end()
    }
    const failed = report.targets.filter((t) => !t.ok).map((t) => [t.name, t.error!.code]).sort()
    expect(failed).toEqual([
      [schemas[0], expect.stringMatching(/REFUSED|FAIL/)],
      [schemas[1], expect.stringMatching(/REFUSED|FAIL/)],
      [schemas[5], 'LOCK_TIMEOUT'],
    ].sort())
    expect(report.totals).toMatchObject({ applied: 9, failed: 3 })
    // Failed tenants are untouched; the rest have the new column.
    for (const [i, s] of schemas.entries())
      expect(await columnsOf(s, 'Todo')).toEqual([0, 1, 5].includes(i) ? ['id', 'title', 'body'] : ['id', 'title', 'body', 'priority'])

    // The rows are fixed on tenant 0; the rerun touches only what isn't actual.
    await admin.query(`UPDATE "${schemas[0]}"."Todo" SET body = 'fixed'`)
    const rerun = await migrateFleet({ models: V2, targets, concurrency: 4 })
    expect(rerun.targets.filter((t) => t.status === 'applied').map((t) => t.name).sort()).toEqual([schemas[0], schemas[5]].sort())
    expect(rerun.targets.find((t) => t.name === schemas[1])!.ok).toBe(false)
    expect(rerun.totals.actual).toBe(9)
  })

  it('stops after failed canaries, and when the signal is aborted, leaving the rest for a rerun', async () => {
    const V3 = [defineModel({ ...V2[0]!.definition, properties: { ...V2[0]!.definition.properties, due: { type: 'date' } } }), V1[1]!]
    const canary = await migrateFleet({ models: V3, targets: [targets[1]!, ...targets.slice(6)], canary: 1 })
    expect(canary.canaryFailed).toBe(true)
    expect(canary.totals).toMatchObject({ failed: 1, notRun: 6 })
    expect(await columnsOf(schemas[6]!, 'Todo')).not.toContain('due')

    const abort = new AbortController()
    const stopped = await migrateFleet({
      models: V3,
      targets: targets.slice(6),
      concurrency: 1,
      signal: abort.signal,
      onProgress: (e) => e.type === 'done' && e.done === 2 && abort.abort(),
    })
    expect(stopped.interrupted).toBe(true)
    expect(stopped.totals).toMatchObject({ applied: 2, notRun: 4 })
    const resumed = await migrateFleet({ models: V3, targets: (async function* () { yield* targets.slice(6) })() })
    expect(resumed.totals).toMatchObject({ applied: 4, actual: 2, failed: 0 })
    for (const s of schemas.slice(6)) expect(await columnsOf(s, 'Todo')).toContain('due')
  })

  it('applies migration files per tenant, in the tenant schema, over the shared pool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-migrations-'))
    try {
      writeFileSync(join(dir, '20260101000000_note.sql'), 'CREATE TABLE note (id integer PRIMARY KEY, text text);\n')
      const few = targets.slice(8)
      const run = await migrateFleet({ mode: 'migrations', migrationsDir: dir, targets: few, concurrency: 2 })
      expect(run.totals).toMatchObject({ applied: 4, failed: 0, changes: 4 })
      for (const s of schemas.slice(8)) {
        expect(await columnsOf(s, 'note')).toEqual(['id', 'text'])
        expect((await admin.query(`SELECT name FROM "${s}".shipshape_migrations`)).rows).toEqual([{ name: '20260101000000_note' }])
      }
      expect(await columnsOf('public', 'note')).toEqual([])
      const again = await migrateFleet({ mode: 'migrations', migrationsDir: dir, targets: few })
      expect(again.totals).toMatchObject({ actual: 4, changes: 0 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('migrateFleet on MariaDB databases sharing one pool', () => {
  const dbs = Array.from({ length: 3 }, (_, i) => `fleet_${id()}_${i}`)
  let admin: mysql.Connection
  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: MYSQL_URL })
    for (const d of dbs) await admin.query(`CREATE DATABASE \`${d}\``)
  })
  afterAll(async () => {
    for (const d of dbs) await admin.query(`DROP DATABASE IF EXISTS \`${d}\``)
    await admin.end()
  })

  it('migrates each database, then finds each actual', async () => {
    const targets = parseTargets(dbs.map((d) => `${MYSQL_URL}/${d}`).join('\n'))
    const report = await migrateFleet({ models: V1, targets, concurrency: 2 })
    expect(report.totals).toMatchObject({ applied: 3, failed: 0 })
    expect(report.targets.map((t) => t.name)).toEqual(dbs)
    for (const d of dbs) {
      const [rows] = await admin.query(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1`, [d])
      expect((rows as Array<{ t: string }>).map((r) => r.t)).toEqual(['Tag', 'Todo'])
    }
    expect((await migrateFleet({ models: V1, targets })).totals).toMatchObject({ actual: 3, statements: 0 })
  })
})

describe('migrateFleet on SQLite files', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-sqlite-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a file locked by another process fails alone, without holding up the others', async () => {
    const files = Array.from({ length: 6 }, (_, i) => join(dir, `t${i}.db`))
    const targets = files.map((file) => ({ connector: 'sqlite', file }))
    const other = new BetterSqlite(files[2]!)
    other.pragma('journal_mode = WAL')
    other.exec('BEGIN IMMEDIATE')
    let report
    try {
      report = await migrateFleet({ models: V1, targets, concurrency: 2, lockTimeout: 300 })
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    expect(report.targets.filter((t) => !t.ok).map((t) => [t.name, t.error!.code])).toEqual([[files[2], 'LOCK_TIMEOUT']])
    for (const [i, f] of files.entries()) {
      const db = new BetterSqlite(f, { readonly: true })
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all()
      db.close()
      expect(tables).toEqual(i === 2 ? [] : [{ name: 'Tag' }, { name: 'Todo' }])
    }
    const rerun = await migrateFleet({ models: V1, targets })
    expect(rerun.totals).toMatchObject({ applied: 1, actual: 5, failed: 0 })
  })
})

describe('migrateFleet on PostgreSQL databases (a pool per database, closed when its tenants are done)', () => {
  const dbs = Array.from({ length: 2 }, (_, i) => `fleet_${id()}_db${i}`)
  const admin = new pg.Client({ connectionString: PG_URL })
  const urlOf = (db: string) => {
    const u = new URL(PG_URL)
    u.pathname = `/${db}`
    return u.toString()
  }
  beforeAll(async () => {
    await admin.connect()
    for (const d of dbs) await admin.query(`CREATE DATABASE "${d}"`)
  })
  afterAll(async () => {
    // DROP DATABASE waits for a checkpoint, which can be slow on a busy server.
    for (const d of dbs) await admin.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`)
    await admin.end()
  }, 300_000)

  it('migrates each database in its default schema and leaves no connection open', async () => {
    const targets = dbs.map((d) => ({ name: d, connector: 'postgresql', url: urlOf(d) }))
    const report = await migrateFleet({ models: V1, targets })
    expect(report.totals).toMatchObject({ applied: 2, failed: 0 })
    for (const d of dbs) {
      const c = new pg.Client({ connectionString: urlOf(d) })
      await c.connect()
      const r = await c.query(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)
      await c.end()
      expect(r.rows).toEqual([{ t: 'Tag' }, { t: 'Todo' }])
    }
    const open = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1)`, [dbs])
    expect(open.rows[0].n).toBe(0)
    expect((await migrateFleet({ models: V1, targets })).totals).toMatchObject({ actual: 2 })
  })
})
