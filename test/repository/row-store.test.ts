import { describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, MemoryConnection, registerConnector, type Connection } from '../../src/index.js'
import { itemModel } from './models.js'

// A connector without a SQL dialect gets the memory backend, which asks the connection whether it keeps
// rows (`RowStore`) rather than what class it is: an outside connector can supply its own store.

describe('a connector without a SQL dialect', () => {
  const Item = itemModel()

  it('serves repositories from the row store its connection is', async () => {
    const store = new MemoryConnection()
    registerConnector('test-row-store', { describe: () => 'row store', connect: async () => store })
    const repo = new DefaultCrudRepository(Item, new DataSource({ name: 'kept', connector: 'test-row-store', models: [Item] }))
    const created = await repo.create({ title: 'milk' })
    expect(created.id).toBe(1)
    expect([...store.table('Item').rows.values()].map((r) => r.title)).toEqual(['milk'])
  })

  it('is refused, naming datasource and connector, when its connection keeps no rows', async () => {
    const sqlOnly: Connection = {
      query: async () => ({ rows: [], rowCount: 0 }),
      exec: async () => {},
      transaction: (fn) => fn(sqlOnly),
      session: (fn) => fn(sqlOnly),
      close: async () => {},
    }
    registerConnector('test-no-rows', { describe: () => 'no rows', connect: async () => sqlOnly })
    const repo = new DefaultCrudRepository(Item, new DataSource({ name: 'odd', connector: 'test-no-rows', models: [Item] }))
    await expect(repo.find()).rejects.toMatchObject({
      code: 'UNSUPPORTED_CONNECTOR',
      message: expect.stringContaining('Datasource "odd" (connector "test-no-rows") has no SQL dialect and is not the memory connector'),
    })
  })
})
