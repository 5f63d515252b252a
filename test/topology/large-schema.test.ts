import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataSource } from '../../src/index.js'
import { PG_URL } from '../support/backends.js'
// @ts-expect-error the bench's plain ESM model generator
import { generateModels } from '../../bench/schema.mjs'

const COUNT = 2000

/**
 * A schema far larger than PostgreSQL's default lock table (max_locks_per_transaction 64 ×
 * max_connections 100 = 6,400 entries): one transaction creating it would fail with "out of
 * shared memory". Its own database, so the catalog counts are its alone. 10,000 models: bench/large-schema.mjs.
 */
describe(`PostgreSQL: a fresh schema of ${COUNT} models on default lock settings`, () => {
  let database: string
  let direct: pg.Client
  let url: string
  const raw = async (sql: string, params?: unknown[]) => (await direct.query(sql, params)).rows

  beforeAll(async () => {
    database = `t_${randomBytes(5).toString('hex')}`
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${database}"`)
    await admin.end()
    url = PG_URL.replace(/\/[^/]*$/, `/${database}`)
    direct = new pg.Client({ connectionString: url })
    await direct.connect()
  })
  afterAll(async () => {
    await direct.end()
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`DROP DATABASE "${database}" WITH (FORCE)`)
    await admin.end()
  })

  it('splits the plan by lock budget, creates every table, index and foreign key, then plans nothing', async () => {
    const [{ budget }] = await raw(
      `SELECT current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int) AS budget`,
    )
    const ds = new DataSource({ connector: 'postgresql', url, models: generateModels(COUNT) })
    try {
      const result = await ds.autoupdate()
      expect(result.executed).toBe(true)
      expect(result.plan.split?.transactions).toBeGreaterThan(1)
      expect(result.plan.split?.reason).toContain('max_locks_per_transaction')
      // Read back from the catalog: every table, its index and its foreign key.
      const [counts] = await raw(
        `SELECT (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname ~ '^Model[0-9]+$') AS tables,
                (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'i' AND c.relname ~ '^model[0-9]+_title_idx$') AS indexes,
                (SELECT count(*)::int FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = 'public' AND co.contype = 'f') AS fks`,
      )
      expect(counts).toEqual({ tables: COUNT, indexes: COUNT, fks: COUNT - 1 })
      expect(budget).toBeLessThan(COUNT * 4)

      const again = await ds.autoupdate()
      expect(again.plan.changes).toEqual([])
      expect(again.executed).toBe(false)
    } finally {
      await ds.disconnect()
    }
  }, 600_000)

  it('a plan that fits stays one transaction', async () => {
    const ds = new DataSource({ connector: 'postgresql', url, schema: 'small', models: generateModels(20) })
    try {
      await raw('CREATE SCHEMA small')
      const result = await ds.autoupdate()
      expect(result.executed).toBe(true)
      expect(result.plan.split).toBeUndefined()
    } finally {
      await ds.disconnect()
    }
  })
})
