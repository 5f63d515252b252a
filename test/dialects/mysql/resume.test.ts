import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel, MigrationError } from '../../../src/index.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'

const Account = (extra = {}) =>
  defineModel({
    name: 'Account',
    properties: { id: { type: 'number', id: true, generated: true }, name: { type: 'string', length: 50 }, ...extra },
  })
const User = (emailUnique: boolean) =>
  defineModel({
    name: 'User',
    properties: {
      id: { type: 'number', id: true, generated: true },
      email: { type: 'string', length: 100, ...(emailUnique ? { unique: true } : {}) },
    },
  })

describe('MySQL plans resume after a failure part-way', () => {
  let scope: TestScope
  const open: DataSource[] = []
  const ds = (models: any[]) => {
    const d = new DataSource({ ...scope.config, models })
    open.push(d)
    return d
  }
  beforeEach(async () => {
    scope = await mysqlBackend.create()
  })
  afterEach(async () => {
    for (const d of open.splice(0)) await d.disconnect()
    await scope.dispose()
  })

  it('keeps what was applied, says so, and a rerun after fixing the data applies only the rest', async () => {
    await ds([Account(), User(false)]).autoupdate()
    await scope.insert('User', { email: 'a@x' })
    await scope.insert('User', { email: 'a@x' })

    const target = [Account({ plan: { type: 'string', default: 'free' } }), User(true)]
    const d = ds(target)
    const plan = await d.planAutoupdate()
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['add-column', 'add-index'])

    const err = await d.autoupdate().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationError)
    expect(err.message).toMatch(/User_email_key/)
    expect(err.message).toMatch(/Duplicate/i)
    expect(err.message).toMatch(/1 of 2 statement\(s\) before it were applied/)
    expect(err.message).toMatch(/run the migration again/)
    // The first statement committed (MySQL DDL commits itself); the failed one left nothing behind.
    expect((await scope.catalog.columns('Account')).map((c) => c.name)).toEqual(['id', 'name', 'plan'])
    expect(await scope.catalog.indexes('User')).toEqual([])

    // Rerun without fixing: the same failure, and nothing is attempted twice.
    const again = await d.planAutoupdate()
    expect(again.changes.map((c) => c.summary)).toEqual([expect.stringMatching(/add unique index User_email_key/)])

    await scope.raw(`DELETE FROM ${scope.table('User')} WHERE id = 2`)
    const done = await d.autoupdate()
    expect(done.plan.changes.map((c) => c.change.kind)).toEqual(['add-index'])
    expect(done.statementCount).toBe(1)
    expect(await scope.catalog.indexes('User')).toEqual([{ name: 'User_email_key', columns: ['email'], unique: true }])
    expect((await d.planAutoupdate()).changes).toEqual([])
  })
})
