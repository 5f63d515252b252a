import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'

const byId = defineModel({
  name: 'Account',
  properties: { id: { type: 'number', id: true, generated: true }, code: { type: 'string', length: 20 }, name: { type: 'string', length: 40 } },
})
// The key moves to `code`; `id` stays, generated no more and nullable.
const byCode = defineModel({
  name: 'Account',
  properties: { id: { type: 'number' }, code: { type: 'string', length: 20, id: true }, name: { type: 'string', length: 40 } },
})

describe.each(backends)('a primary key moving to another column on $name', (backend) => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await backend.create()
    const v1 = new DataSource({ ...scope.config, models: [byId] })
    await v1.autoupdate()
    await v1.disconnect()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  it('moves, keeping every row, and plans nothing on the next run', async () => {
    await scope.insert('Account', { code: 'A-1', name: 'ada' })
    await scope.insert('Account', { code: 'B-2', name: 'bob' })
    const v2 = new DataSource({ ...scope.config, models: [byCode] })
    await v2.autoupdate()
    expect(await scope.catalog.primaryKey('Account')).toEqual(['code'])
    const id = (await scope.catalog.columns('Account')).find((c) => c.name === 'id')
    expect(id?.nullable).toBe(true)
    expect((await scope.rows('Account', 'code')).map((r) => [Number(r.id), r.code, r.name])).toEqual([
      [1, 'A-1', 'ada'],
      [2, 'B-2', 'bob'],
    ])
    expect((await v2.planAutoupdate()).changes).toEqual([])
    await v2.disconnect()
  })

  it('is refused while two rows share the new key, and nothing changes', async () => {
    await scope.insert('Account', { code: 'A-1', name: 'ada' })
    await scope.insert('Account', { code: 'A-1', name: 'bob' })
    const stamp = await scope.schemaStamp()
    const v2 = new DataSource({ ...scope.config, models: [byCode] })
    await expect(v2.autoupdate()).rejects.toThrow(/Account/)
    expect(await scope.schemaStamp()).toBe(stamp)
    expect(await scope.catalog.primaryKey('Account')).toEqual(['id'])
    await v2.disconnect()
  })
})
