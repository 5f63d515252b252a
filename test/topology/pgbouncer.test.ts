import { resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DataSource } from '../../src/index.js'
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
  })
  afterEach(async () => {
    await direct.end()
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`DROP DATABASE "${database}" WITH (FORCE)`)
    await admin.end()
  })

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
})
