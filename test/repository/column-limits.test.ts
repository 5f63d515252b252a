import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel, type DataSourceConfig } from '../../src/index.js'
import { backends } from '../support/backends.js'

// The repository refuses what the column would refuse, the same on every back end (SQLite
// itself keeps 50 characters under VARCHAR(10) and 1.5 in an INTEGER).

const targets: Array<{ name: string; create(): Promise<{ config: DataSourceConfig; dispose(): Promise<void> }> }> = [
  ...backends,
  { name: 'memory', create: async () => ({ config: { connector: 'memory' }, dispose: async () => {} }) },
]

const Limited = defineModel({
  name: 'Limited',
  properties: {
    id: { type: 'number', id: true, generated: true },
    code: { type: 'string', length: 5 },
    price: { type: 'number', precision: 5, scale: 2 },
    qty: { type: 'number', dataType: 'smallint' },
  },
})

describe.each(targets)('column limits on write on $name', (target) => {
  let scope: { config: DataSourceConfig; dispose(): Promise<void> }
  let ds: DataSource
  let repo: DefaultCrudRepository<any, number>

  beforeAll(async () => {
    scope = await target.create()
    ds = new DataSource({ ...scope.config, name: 'db', models: [Limited] })
    if (ds.supportsMigration) await ds.automigrate()
    repo = new DefaultCrudRepository(Limited as any, ds)
  })
  afterAll(async () => {
    await ds?.disconnect()
    await scope?.dispose()
  })

  it('accepts values that fit, counting characters as the engines do', async () => {
    const r = await repo.create({ code: '😀😀😀😀😀', price: 999.99, qty: -32768 })
    expect((await repo.findById(r.id)).code).toBe('😀😀😀😀😀')
  })

  it.each([
    [{ code: 'abcdef' }, /Limited instance is not valid: property "code" is longer than its length 5 \(6 characters\)/],
    [{ price: 1000 }, /property "price" is 1000, more than 3 whole digit\(s\)/],
    [{ price: 999.996 }, /property "price" is 999.996, more than 3 whole digit\(s\)/],
    [{ qty: 1.5 }, /property "qty" is 1.5; its smallint column holds whole numbers only/],
    [{ qty: 32768 }, /property "qty" is 32768, outside the range of its smallint column/],
  ])('refuses %j with an error naming the model and property', async (data, message) => {
    const before = await repo.count()
    await expect(repo.create(data)).rejects.toThrow(message)
    expect(await repo.count()).toEqual(before)
    const r = await repo.create({ code: 'ok' })
    await expect(repo.updateById(r.id, data)).rejects.toThrow(message)
  })
})
