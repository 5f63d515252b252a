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
const transactional = backends.filter((b) => b.multiProcess && family[b.dialect].capabilities.supportsTransactionalDdl)

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

// A concurrent index build commits by itself: killed right after it, the index must still be
// recognisable as Shipshape's (it is built under a temporary name, then renamed and marked at once).
describe.each(backends.filter((b) => b.multiProcess && b.dialect === 'postgres'))('a process killed after a concurrent index build on $name', (backend) => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await backend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  const indexNames = async () => (await scope.catalog.indexes('Account')).map((i) => i.name).sort()
  const plan = async (version: string) => {
    const d = new DataSource({ ...scope.config, models: faultModels(version) })
    try {
      return await d.planAutoupdate()
    } finally {
      await d.disconnect()
    }
  }

  it('leaves an index the next run recognises: dropped when the model drops it, else renamed and marked', async () => {
    const v1 = new DataSource({ ...scope.config, models: faultModels('v1') })
    await v1.autoupdate()
    await scope.insert('Account', { name: 'ada' })
    await v1.disconnect()

    // In the order they run: the transaction's statements, then those outside it.
    const inRunOrder = async () => {
      const all = (await plan('v2')).changes.flatMap((c) => c.statements)
      return [...all.filter((s) => !s.isNonTransactional), ...all.filter((s) => s.isNonTransactional)]
    }
    const statements = await inRunOrder()
    const finish = statements.findIndex((s) => s.sql.startsWith('DO '))
    expect(statements[finish - 1]!.sql).toMatch(/^CREATE INDEX CONCURRENTLY "shipshape_build_[0-9a-f]{12}" ON .*"Account" \("email"\)$/)
    expect(statements[finish]!.sql).toMatch(/ALTER INDEX .*"shipshape_build_[0-9a-f]{12}" RENAME TO "account_email_idx"; COMMENT ON INDEX/)

    // Killed after the build, before the rename and mark.
    const killAfterBuild = async () => {
      const at = (await inRunOrder()).findIndex((s) => s.sql.startsWith('DO '))
      const killed = await migrateInChild(scope.config, { CHILD_VERSION: 'v2', CHILD_KILL_AT: String(at) })
      expect(killed.signal).toBe('SIGKILL')
      expect(await indexNames()).toEqual([expect.stringMatching(/^shipshape_build_[0-9a-f]{12}$/)])
    }
    await killAfterBuild()

    // The models still want it: the valid build is finished by a rename, not built again.
    const finishing = await plan('v2')
    expect(finishing.changes.map((c) => c.summary)).toEqual([
      expect.stringMatching(/^add index account_email_idx on .*Account \(email\) \(finishing the unfinished build shipshape_build_[0-9a-f]{12}\)$/),
    ])
    expect(finishing.changes[0]!.statements.map((s) => s.sql)).toEqual([expect.stringMatching(/^DO \$shipshape\$ BEGIN ALTER INDEX .* RENAME TO "account_email_idx"/)])

    // The model no longer wants the index: the leftover is Shipshape's, so it is dropped.
    const drop = await plan('v2-noindex')
    expect(drop.changes.map((c) => c.summary).join('\n')).toMatch(/drop index shipshape_build_/)
    expect(drop.drift).toEqual([])
    const noIndex = await migrateInChild(scope.config, { CHILD_VERSION: 'v2-noindex' })
    expect(noIndex.code).toBe(0)
    expect(await indexNames()).toEqual([])
    expect((await plan('v2-noindex')).changes).toEqual([])

    // Killed again, then the model wanting it: the rerun finishes the index it built.
    await killAfterBuild()
    const rerun = await migrateInChild(scope.config, { CHILD_VERSION: 'v2' })
    expect(rerun.code).toBe(0)
    expect(await indexNames()).toEqual(['account_email_idx'])
    const [ix] = await scope.raw(`SELECT indisvalid, obj_description(indexrelid, 'pg_class') AS comment FROM pg_index WHERE indexrelid = $1::regclass`, [`"${scope.config.schema}"."account_email_idx"`])
    expect(ix).toEqual({ indisvalid: true, comment: 'shipshape' })
    expect((await plan('v2')).changes).toEqual([])
    expect((await scope.rows('Account', 'id')).map((r) => r.name)).toEqual(['ada'])
  })
})
