import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../../src/index.js'
import { PG_URL, postgresBackend, type TestScope } from '../../support/backends.js'
import { useScope } from '../../support/scope.js'
import { buildIndexName } from '../../../src/dialects/postgres/render.js'

const Parent = defineModel({ name: 'Parent', properties: { id: { type: 'number', id: true } } })
const child = (extra: boolean) =>
  defineModel({
    name: 'Child',
    properties: {
      id: { type: 'number', id: true },
      parentId: { type: 'number', dataType: 'integer' },
      code: { type: 'string', length: 20 },
    },
    settings: extra
      ? {
          indexes: { child_code_key: { keys: { code: 1 }, options: { unique: true } } },
          foreignKeys: { child_parent_fk: { name: 'child_parent_fk', entity: 'Parent', entityKey: 'id', foreignKey: 'parentId' } },
        }
      : {},
  })

describe('online changes on PostgreSQL', () => {
  let scope: TestScope
  const ds = useScope(postgresBackend, (s) => (scope = s))

  it('builds indexes concurrently and adds foreign keys NOT VALID then validates them, all visible in the plan', async () => {
    await ds(Parent, child(false)).autoupdate()
    await scope.insert('Parent', { id: 1 })
    await scope.insert('Child', { id: 1, parentId: 1, code: 'a' })
    const d = ds(Parent, child(true))
    const plan = await d.planAutoupdate()
    const sql = plan.changes.flatMap((c) => c.statements)
    // Built under a temporary name, then renamed and marked in one statement.
    const build = sql.find((s) => s.sql.startsWith('CREATE UNIQUE INDEX CONCURRENTLY "shipshape_build_'))
    expect(build?.isNonTransactional).toBe(true)
    expect(sql.find((s) => /^DO \$shipshape\$ BEGIN ALTER INDEX .* RENAME TO "child_code_key"; COMMENT ON INDEX .*"child_code_key" IS 'shipshape'; END \$shipshape\$$/.test(s.sql))?.isNonTransactional).toBe(true)
    expect(sql.find((s) => /ADD CONSTRAINT "child_parent_fk" .* NOT VALID$/.test(s.sql))).toBeTruthy()
    expect(sql.find((s) => /VALIDATE CONSTRAINT "child_parent_fk"/.test(s.sql))?.isNonTransactional).toBe(true)
    await d.autoupdate()
    const [ix] = await scope.raw(`SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass`, [`${scope.config.schema}.child_code_key`])
    expect(ix!.indisvalid).toBe(true)
    const [fk] = await scope.raw(`SELECT convalidated FROM pg_constraint WHERE conname = 'child_parent_fk'`)
    expect(fk!.convalidated).toBe(true)
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it('drops an invalid index left by a failed concurrent build and builds it again', async () => {
    await ds(Parent, child(false)).autoupdate()
    await scope.insert('Child', { id: 1, code: 'dup' })
    await scope.insert('Child', { id: 2, code: 'dup' })
    // What a killed or failed CONCURRENTLY build leaves behind: an invalid index under the name.
    await expect(
      scope.raw(`CREATE UNIQUE INDEX CONCURRENTLY "child_code_key" ON ${scope.table('Child')} ("code")`),
    ).rejects.toThrow(/could not create unique index/)
    const [before] = await scope.raw(`SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass`, [`${scope.config.schema}.child_code_key`])
    expect(before!.indisvalid).toBe(false)
    await scope.raw(`UPDATE ${scope.table('Child')} SET code = 'other' WHERE id = 2`)

    const d = ds(Parent, child(true))
    const r = await d.autoupdate()
    expect(r.plan.changes.flatMap((c) => c.statements.map((s) => s.sql))).toContain(
      `DROP INDEX CONCURRENTLY IF EXISTS "${scope.config.schema}"."child_code_key"`,
    )
    const [after] = await scope.raw(`SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass`, [`${scope.config.schema}.child_code_key`])
    expect(after!.indisvalid).toBe(true)
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it('a concurrent build that fails leaves its temporary index, which the next run drops before building again', async () => {
    await ds(Parent, child(false)).autoupdate()
    await scope.insert('Child', { id: 1, code: 'dup' })
    await scope.insert('Child', { id: 2, code: 'dup' })
    // The build Shipshape runs, failing on the duplicates (its own plan refuses them beforehand).
    const build = buildIndexName({ schema: scope.config.schema, name: 'Child' }, { name: 'child_code_key', columns: [], isUnique: true, isOwned: true })
    await expect(scope.raw(`CREATE UNIQUE INDEX CONCURRENTLY "${build}" ON ${scope.table('Child')} ("code")`)).rejects.toThrow(/could not create unique index/)
    const d = ds(Parent, child(true))
    const left = await scope.raw(
      `SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'shipshape_build_%'`,
    )
    expect(left).toEqual([{ relname: expect.stringMatching(/^shipshape_build_/), indisvalid: false }])
    await scope.raw(`UPDATE ${scope.table('Child')} SET code = 'other' WHERE id = 2`)
    const r = await d.autoupdate()
    expect(r.plan.changes.map((c) => c.summary)).toContain(`drop index ${build} on ${scope.config.schema}.Child`)
    const after = await scope.raw(
      `SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace ` +
        `WHERE n.nspname = $1 AND c.relname NOT LIKE '%_pkey' ORDER BY 1`,
      [scope.config.schema],
    )
    expect(after).toEqual([{ relname: 'child_code_key', indisvalid: true }])
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it('waits for a busy table under a short lock_timeout, retrying instead of queueing readers behind it', async () => {
    await ds(Parent, child(false)).autoupdate()
    const reader = new pg.Client({ connectionString: PG_URL })
    await reader.connect()
    try {
      // A long transaction that has read the table holds ACCESS SHARE: ALTER TABLE must wait for it.
      await reader.query('BEGIN')
      await reader.query(`SELECT count(*) FROM ${scope.table('Child')}`)
      const v2 = defineModel({
        ...child(false).definition,
        properties: { ...child(false).definition.properties, note: { type: 'string' } },
      })
      const impatient = ds(Parent, v2)
      const err = await impatient.autoupdate(undefined, { ddlLockTimeout: 50, ddlRetries: 0 }).catch((e) => e)
      expect(err.message).toMatch(/lock timeout/i)
      expect((await scope.catalog.columns('Child')).map((c) => c.name)).not.toContain('note')

      // With retries, it succeeds once the reader is done.
      const patient = ds(Parent, v2).autoupdate(undefined, { ddlLockTimeout: 50, ddlRetries: 8 })
      setTimeout(() => void reader.query('COMMIT'), 300)
      const r = await patient
      expect(r.executed).toBe(true)
      expect((await scope.catalog.columns('Child')).map((c) => c.name)).toContain('note')
    } finally {
      await reader.end()
    }
  })

  it('a concurrent build that gives way to a writer under lock_timeout starts its change again and finishes', async () => {
    await ds(Parent, child(false)).autoupdate()
    const writer = new pg.Client({ connectionString: PG_URL })
    await writer.connect()
    try {
      // An open transaction that wrote to the table: CREATE INDEX CONCURRENTLY gets its table lock,
      // records the index, then waits for this writer, times out and leaves the index invalid.
      await writer.query('BEGIN')
      await writer.query(`INSERT INTO ${scope.table('Child')} (id, code) VALUES (1, 'a')`)
      const indexed = defineModel({
        ...child(false).definition,
        settings: { indexes: { child_code_idx: { keys: { code: 1 } } } },
      })
      const ran: string[] = []
      const update = ds(Parent, indexed).autoupdate(undefined, { ddlLockTimeout: 100, ddlRetries: 8, onStatement: (_i, _n, s) => ran.push(s.sql) })
      setTimeout(() => void writer.query('COMMIT'), 1000)
      expect((await update).executed).toBe(true)
      const builds = ran.filter((sql) => sql.startsWith('CREATE INDEX CONCURRENTLY'))
      expect(builds.length).toBeGreaterThan(1)
      const indexes = await scope.raw(
        `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indrelid = $1::regclass AND NOT i.indisprimary`,
        [`${scope.config.schema}."Child"`],
      )
      expect(indexes).toEqual([{ name: 'child_code_idx', valid: true }])
      expect((await ds(Parent, indexed).planAutoupdate()).changes).toEqual([])
    } finally {
      await writer.end()
    }
  })
})

describe('schemas on PostgreSQL', () => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await postgresBackend.create()
  })
  afterEach(async () => {
    await scope.raw(`DROP SCHEMA IF EXISTS "${scope.config.schema}_sales" CASCADE`)
    await scope.dispose()
  })

  it("creates a model's schema when the database lacks it, then plans nothing", async () => {
    const sales = `${scope.config.schema}_sales`
    const Order = defineModel({
      name: 'Order',
      properties: { id: { type: 'number', id: true, generated: true }, total: { type: 'number', precision: 10, scale: 2 } },
      settings: { postgresql: { schema: sales } },
    })
    const ds = new DataSource({ ...scope.config, models: [Order] })
    const r = await ds.autoupdate()
    expect(r.plan.changes.map((c) => c.summary)).toEqual([`create schema ${sales}`, `create table ${sales}.Order (id, total)`])
    const [row] = await scope.raw(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'Order'`, [sales])
    expect(row!.n).toBe(1)
    expect((await ds.planAutoupdate()).changes).toEqual([])
    await ds.disconnect()
  })
})
