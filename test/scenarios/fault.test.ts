import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, mysqlDialect, postgresDialect, sqliteDialect } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import type { Catalog } from '../support/catalog.js'
// @ts-expect-error plain ESM helper shared with the child processes
import { faultModels } from '../support/fault-models.mjs'
import { migrateInChild } from './processes.js'

async function snapshot(catalog: Catalog) {
  const out: Record<string, unknown> = {}
  for (const t of (await catalog.tables()).filter((t) => !t.startsWith('sqlite_'))) {
    out[t] = {
      columns: await catalog.columns(t),
      indexes: await catalog.indexes(t),
      fks: await catalog.foreignKeys(t),
      pk: await catalog.primaryKey(t),
    }
  }
  return out
}

// All-or-nothing is promised where DDL is transactional; MySQL resumes instead (its own test).
const family = { postgres: postgresDialect, sqlite: sqliteDialect, mysql: mysqlDialect }
const transactional = backends.filter((b) => b.multiProcess && family[b.dialect].capabilities.transactionalDdl)

describe.each(transactional)('a migrating process killed part-way on $name', (backend) => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await backend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  it('leaves the schema wholly old at every point of the transaction, and a rerun converges', async () => {
    const v1 = new DataSource({ ...scope.config, models: faultModels('v1') })
    await v1.autoupdate()
    await scope.insert('Account', { name: 'ada' })
    await scope.insert('Account', { name: 'grace' })
    const old = await snapshot(scope.catalog)
    await v1.disconnect()

    const v2 = new DataSource({ ...scope.config, models: faultModels('v2') })
    const plan = await v2.planAutoupdate()
    await v2.disconnect()
    const statements = plan.changes.flatMap((c) => c.statements)
    const inTx = statements.filter((s) => !s.isNonTransactional).length
    expect(inTx).toBeGreaterThan(4)

    for (const killAt of [0, 1, Math.floor(inTx / 2), inTx - 1]) {
      const child = await migrateInChild(scope.config, { CHILD_VERSION: 'v2', CHILD_KILL_AT: String(killAt) })
      expect(child.signal).toBe('SIGKILL')
      expect(await snapshot(scope.catalog)).toEqual(old)
      expect((await scope.rows('Account', 'id')).map((r) => r.name)).toEqual(['ada', 'grace'])
    }

    // Killed after commit, while building an index outside the transaction (PostgreSQL's
    // CREATE INDEX CONCURRENTLY): the schema is new but for that index, and a rerun finishes it.
    if (statements.length > inTx) {
      const child = await migrateInChild(scope.config, { CHILD_VERSION: 'v2', CHILD_KILL_AT: String(inTx) })
      expect(child.signal).toBe('SIGKILL')
      expect((await scope.catalog.columns('Account')).map((c) => c.name)).toContain('email')
    }

    const rerun = await migrateInChild(scope.config, { CHILD_VERSION: 'v2' })
    expect(rerun.code).toBe(0)
    expect(rerun.result?.executed).toBe(true)
    const d = new DataSource({ ...scope.config, models: faultModels('v2') })
    expect((await d.planAutoupdate()).changes).toEqual([])
    await d.disconnect()
    expect((await scope.catalog.indexes('Account')).map((i) => i.name)).toEqual(['account_email_idx'])
    expect((await scope.rows('Account', 'id')).map((r) => [r.name, r.active === true || r.active === 1])).toEqual([
      ['ada', true],
      ['grace', true],
    ])
  })
})
