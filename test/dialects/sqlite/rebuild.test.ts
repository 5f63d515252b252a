import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../../src/index.js'
import { sqliteBackend, type TestScope } from '../../support/backends.js'

const Account = (required: boolean) =>
  defineModel({
    name: 'Account',
    properties: { id: { type: 'number', id: true, generated: true }, email: { type: 'string', required, default: required ? '' : undefined } },
  })
const Post = defineModel({
  name: 'Post',
  properties: { id: { type: 'number', id: true, generated: true }, accountId: { type: 'number', required: true }, body: { type: 'string' } },
  settings: { foreignKeys: { post_account_fk: { name: 'post_account_fk', entity: 'Account', entityKey: 'id', foreignKey: 'accountId', onDelete: 'CASCADE' } } },
})

describe('SQLite table rebuilds', () => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await sqliteBackend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  it('cascade-delete no child row, keep triggers, and check foreign keys', async () => {
    const v1 = new DataSource({ ...scope.config, models: [Account(false), Post] })
    await v1.autoupdate()
    await v1.disconnect()
    await scope.raw(`CREATE TABLE "Audit" (what TEXT)`)
    await scope.raw(`CREATE TRIGGER "account_audit" AFTER INSERT ON "Account" BEGIN INSERT INTO "Audit" VALUES ('account ' || NEW.id); END`)
    await scope.insert('Account', { email: 'a@x' })
    await scope.insert('Post', { accountId: 1, body: 'hello' })
    expect(await scope.rows('Audit', 'what')).toEqual([{ what: 'account 1' }])

    // Account becomes NOT NULL on email: SQLite rebuilds it (DROP TABLE "Account" would cascade
    // to Post if foreign keys were enforced during the rebuild).
    const v2 = new DataSource({ ...scope.config, models: [Account(true), Post] })
    const r = await v2.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['rebuild-table'])
    expect(await scope.rows('Post', 'id')).toEqual([{ id: 1, accountId: 1, body: 'hello' }])
    expect(await scope.catalog.foreignKeys('Post')).toHaveLength(1)

    await scope.insert('Account', { email: 'b@x' })
    expect((await scope.rows('Audit', 'what')).map((x) => x.what)).toEqual(['account 1', 'account 2'])
    expect((await v2.planAutoupdate()).changes).toEqual([])

    // Enforcement is back on after the migration.
    await expect(scope.raw(`PRAGMA foreign_keys = ON`).then(() => scope.insert('Post', { accountId: 99 }))).rejects.toThrow(/FOREIGN KEY/)
    await v2.disconnect()
  })
})
