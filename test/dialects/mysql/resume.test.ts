import { describe, expect, it } from 'vitest'
import { defineModel, MigrationError } from '../../../src/index.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'
import { useScope } from '../../support/scope.js'

const Account = (extra = {}) =>
  defineModel({
    name: 'Account',
    properties: { id: { type: 'number', id: true, generated: true }, name: { type: 'string', length: 50 }, ...extra },
  })
const User = (withKey: boolean, onDelete?: string) =>
  defineModel({
    name: 'User',
    properties: {
      id: { type: 'number', id: true, generated: true },
      email: { type: 'string', length: 100 },
      accountId: { type: 'number', dataType: 'INT', ...(withKey ? { required: true } : {}) },
    },
    settings: withKey
      ? { foreignKeys: { fk_user_account: { name: 'fk_user_account', entity: 'Account', entityKey: 'id', foreignKey: 'accountId', ...(onDelete ? { onDelete } : {}) } } }
      : {},
  })

describe('MySQL plans resume after a failure part-way', () => {
  let scope: TestScope
  const ds = useScope(mysqlBackend, (s) => (scope = s))

  it('keeps what was applied, says so, and a rerun after fixing the cause applies only the rest', async () => {
    await ds([Account(), User(false)]).autoupdate()
    await scope.insert('Account', { name: 'acme' })
    await scope.insert('User', { email: 'a@x', accountId: 1 })

    // ON DELETE SET NULL over a NOT NULL column: InnoDB refuses the key itself (errno 150), a
    // failure no data check can predict (orphan rows, which could, are refused up front).
    const failing = ds([Account({ plan: { type: 'string', default: 'free' } }), User(true, 'SET NULL')])
    const plan = await failing.planAutoupdate()
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['add-column', 'alter-column', 'add-foreign-key'])

    const err = await failing.autoupdate().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationError)
    expect(err.message).toMatch(/fk_user_account/)
    expect(err.message).toMatch(/errno: 150|incorrectly formed/i)
    expect(err.message).toMatch(/2 of 3 statement\(s\) before it were applied/)
    expect(err.message).toMatch(/run the migration again/)
    // The first statements committed (MySQL DDL commits itself); the failed one left nothing behind.
    expect((await scope.catalog.columns('Account')).map((c) => c.name)).toEqual(['id', 'name', 'plan'])
    expect((await scope.rows('Account', 'id'))[0]).toMatchObject({ name: 'acme', plan: 'free' })
    expect(await scope.catalog.foreignKeys('User')).toEqual([])
    expect(await scope.catalog.indexes('User')).toEqual([])

    // A rerun plans only what is left, and nothing is attempted twice.
    const d = ds([Account({ plan: { type: 'string', default: 'free' } }), User(true)])
    expect((await d.planAutoupdate()).changes.map((c) => c.summary)).toEqual([expect.stringMatching(/add foreign key fk_user_account/)])
    const done = await d.autoupdate()
    expect(done.plan.changes.map((c) => c.change.kind)).toEqual(['add-foreign-key'])
    expect(done.statementCount).toBe(1)
    expect(await scope.catalog.foreignKeys('User')).toEqual([
      { name: 'fk_user_account', columns: ['accountId'], refTable: 'Account', refColumns: ['id'], onDelete: 'no action' },
    ])
    expect((await d.planAutoupdate()).changes).toEqual([])
  })
})
