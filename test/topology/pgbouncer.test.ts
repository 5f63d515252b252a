import { resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel, MigrationRunner } from '../../src/index.js'
import { migrationsDir } from '../migrations/support.js'
import { PG_URL } from '../support/backends.js'
import { postgresCatalog } from '../dialects/postgres/catalog.js'
import { ensurePgbouncer, PGBOUNCER_PORT } from '../support/topology.js'
import { migrateInChild } from '../scenarios/processes.js'
// @ts-expect-error plain ESM helper shared with the child processes
import { chainModels } from '../support/topology-models.mjs'

const CHILD = resolve('test/support/topology-child.mjs')
const MODELS = 30

/**
 * Each test gets its own database, reached directly (for the catalog) and through PgBouncer in
 * transaction pooling mode (for the migrators), so a lock row or a stranded lock stays its own.
 */
describe('PostgreSQL through PgBouncer in transaction pooling mode', () => {
  let database: string
  let direct: pg.Client
  let pooledUrl: string
  let directUrl: string
  const raw = async (sql: string, params?: unknown[]) => (await direct.query(sql, params)).rows
  const catalog = () => postgresCatalog(raw, 'public')

  beforeAll(async () => {
    await ensurePgbouncer()
  }, 300_000)
  beforeEach(async () => {
    database = `t_${randomBytes(5).toString('hex')}`
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${database}"`)
    await admin.end()
    directUrl = PG_URL.replace(/\/[^/]*$/, `/${database}`)
    pooledUrl = `postgres://postgres@127.0.0.1:${PGBOUNCER_PORT}/${database}`
    direct = new pg.Client({ connectionString: directUrl })
    await direct.connect()
  }, 300_000)
  afterEach(async () => {
    await direct.end()
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`DROP DATABASE "${database}" WITH (FORCE)`)
    await admin.end()
  }, 300_000)

  const tenMigrators = async (round: 'create' | 'alter', env: Record<string, string> = {}) => {
    const config = { connector: 'postgresql', url: pooledUrl, max: 4 }
    const children = await Promise.all(
      Array.from({ length: 10 }, () => migrateInChild(config, { CHILD_ROUND: round, CHILD_MODELS: String(MODELS), ...env }, CHILD)),
    )
    for (const c of children) {
      expect(c.result?.error).toBeUndefined()
      expect(c.stderr).toBe('')
      expect(c.code).toBe(0)
    }
    expect(children.filter((c) => c.result?.executed)).toHaveLength(1)
    expect(children.filter((c) => c.result?.changes === 0)).toHaveLength(9)
  }

  it('ten migrators, 30 FK-linked models, then a column and an index on each with rows: one applies, none fails, every row survives', async () => {
    await tenMigrators('create')
    expect((await catalog().tables()).filter((t) => /^M\d+$/.test(t))).toHaveLength(MODELS)
    for (let i = 1; i <= MODELS; i++) {
      expect(await catalog().foreignKeys(`M${i}`)).toHaveLength(i > 1 ? 1 : 0)
      await raw(`INSERT INTO "M${i}" ("title"${i > 1 ? ', "parentId"' : ''}) VALUES ($1${i > 1 ? ', 1' : ''})`, [`row ${i}`])
    }

    await tenMigrators('alter')
    for (let i = 1; i <= MODELS; i++) {
      expect((await catalog().columns(`M${i}`)).map((c) => c.name)).toContain('note')
      expect((await catalog().indexes(`M${i}`)).map((x) => x.name)).toContain(`m${i}_note_idx`)
      expect(await raw(`SELECT "title" FROM "M${i}"`)).toEqual([{ title: `row ${i}` }])
    }
    // Nothing is left holding a lock: no advisory lock in the database, no lease row.
    expect(await raw(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).toEqual([{ n: 0 }])
    expect(await raw(`SELECT count(*)::int AS n FROM shipshape_migration_lock`)).toEqual([{ n: 0 }])
  })

  it('a migrator killed while holding the lock: its lease expires and the next one applies the plan', async () => {
    const config = { connector: 'postgresql', url: pooledUrl, max: 4 }
    const killed = await migrateInChild(config, { CHILD_ROUND: 'create', CHILD_MODELS: '3', CHILD_LEASE: '3000', CHILD_KILL: '1' }, CHILD)
    expect(killed.signal).toBe('SIGKILL')
    expect(await raw(`SELECT count(*)::int AS n FROM shipshape_migration_lock`)).toEqual([{ n: 1 }])
    const next = await migrateInChild(config, { CHILD_ROUND: 'create', CHILD_MODELS: '3', CHILD_LEASE: '3000' }, CHILD)
    expect(next.result).toMatchObject({ executed: true })
    expect((await catalog().tables()).filter((t) => /^M\d+$/.test(t)).sort()).toEqual(['M1', 'M2', 'M3'])
  })

  it('with migrationUrl, migration goes to the server directly while repositories use the pooler', async () => {
    const ds = new DataSource({ connector: 'postgresql', url: pooledUrl, migrationUrl: directUrl, models: chainModels(2, 'create') })
    try {
      expect((await ds.autoupdate()).executed).toBe(true)
      // Direct: the session advisory lock, so no lock table was needed.
      expect(await catalog().tables()).not.toContain('shipshape_migration_lock')
      const [{ port }] = await ds.execute<{ port: number }>('SELECT inet_server_port() AS port')
      expect(port).toBe(5432)
      expect(await ds.isActual()).toBe(true)
    } finally {
      await ds.disconnect()
    }
  })

  it('ten concurrent versioned `migration up` runs through the pooler: each migration applied exactly once', async () => {
    const files = migrationsDir()
    files.write('20240101000000_create_list.sql', `-- up\nCREATE TABLE "List" ("id" integer PRIMARY KEY, "title" varchar(50) NOT NULL);\n-- down\nDROP TABLE "List";\n`)
    files.write(
      '20240102000000_add_note.sql',
      `-- up\nALTER TABLE "List" ADD COLUMN "note" text;\nCREATE INDEX "list_note_idx" ON "List" ("note");\n-- down\nDROP INDEX "list_note_idx";\nALTER TABLE "List" DROP COLUMN "note";\n`,
    )
    const sources = Array.from({ length: 10 }, () => new DataSource({ connector: 'postgresql', url: pooledUrl, max: 2 }))
    try {
      const runs = await Promise.all(
        sources.map(async (ds) => (await MigrationRunner.forDataSource(ds, { dir: files.dir, lockTimeout: 120_000 })).up()),
      )
      expect(runs.flatMap((r) => r.migrations).sort()).toEqual(['20240101000000_create_list', '20240102000000_add_note'])
      expect((await catalog().columns('List')).map((c) => c.name)).toEqual(['id', 'title', 'note'])
      expect((await catalog().indexes('List')).map((x) => x.name)).toEqual(['list_note_idx'])
      expect(await raw(`SELECT count(*)::int AS n FROM shipshape_migrations`)).toEqual([{ n: 2 }])
    } finally {
      for (const ds of sources) await ds.disconnect()
      files.dispose()
    }
  })

  it('expand, backfill and contract through the pooler while the old version writes through it too; two expands at once run one backfill', async () => {
    const id = { type: 'number', id: true, generated: true }
    const V1 = defineModel({ name: 'Customer', properties: { id, name: { type: 'string', required: true }, age: { type: 'string' } } })
    const V2 = defineModel({ name: 'Customer', properties: { id, fullName: { type: 'string', required: true, renamedFrom: 'name' }, age: { type: 'number', postgresql: { dataType: 'integer' } } } })
    const open: DataSource[] = []
    const ds = (settings: object) => {
      const d = new DataSource({ connector: 'postgresql', url: pooledUrl, max: 2, ...settings } as ConstructorParameters<typeof DataSource>[0])
      open.push(d)
      return d
    }
    try {
      await ds({ models: [V1] }).autoupdate()
      await raw(`INSERT INTO "Customer" (name, age) SELECT 'n' || g, (g % 90)::text FROM generate_series(1, 3000) g`)
      // The old version keeps writing through the pooler during every phase.
      const v1 = new DefaultCrudRepository<any, number>(V1 as any, ds({ models: [V1] }))
      let stop = false
      const errors: string[] = []
      let writes = 0
      const writer = (async () => {
        for (let i = 0; !stop; i++)
          await (i % 2 ? v1.create({ name: `v1-${i}`, age: String(i % 50) }) : v1.updateById(1 + (i % 3000), { age: String(i % 70) })).then(
            () => void writes++,
            (e: Error) => void errors.push(e.message),
          )
      })()
      const [a, b] = await Promise.all([ds({ models: [V2] }).expand(undefined, { batchSize: 200 }), ds({ models: [V2] }).expand(undefined, { batchSize: 200 })])
      for (const r of [a, b]) expect(r.status.phase).toBe('expanded')
      expect([a.executed, b.executed].sort()).toEqual([false, true])
      // An app of the new version, reaching the server directly (schemaVersion is a startup option the pooler doesn't pass).
      const v2 = new DefaultCrudRepository<any, number>(V2 as any, ds({ url: directUrl, schemaVersion: 'v2', models: [V2] }))
      const made = await v2.create({ fullName: 'from v2', age: 41 })
      stop = true
      await writer
      expect(errors).toEqual([])
      expect(writes).toBeGreaterThan(10)
      const contracted = await ds({ models: [V2] }).contract()
      expect(contracted.status.phase).toBe('contracted')
      expect((await catalog().columns('Customer')).map((c) => [c.name, c.type])).toEqual([
        ['id', 'integer'],
        ['fullName', 'text'],
        ['age', 'integer'],
      ])
      expect(await raw(`SELECT "fullName", age FROM "Customer" WHERE id = $1`, [made.id])).toEqual([{ fullName: 'from v2', age: 41 }])
      expect(await raw(`SELECT count(*)::int AS n FROM "Customer" WHERE id <= 3000 AND "fullName" <> 'n' || id`)).toEqual([{ n: 0 }])
    } finally {
      for (const d of open) await d.disconnect()
    }
  })
})
