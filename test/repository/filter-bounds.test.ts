import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, type DataSourceConfig } from '../../src/index.js'
import { backends } from '../support/backends.js'
import { itemModel, type Item } from './models.js'

const targets: Array<{ name: string; create(): Promise<{ config: DataSourceConfig; dispose(): Promise<void> }> }> = [
  ...backends,
  { name: 'memory', create: async () => ({ config: { connector: 'memory' }, dispose: async () => {} }) },
]

/** A where clause `depth` levels deep, as request JSON would carry it. */
function deepOr(depth: number): Record<string, unknown> {
  let w: Record<string, unknown> = { title: 'milk' }
  for (let i = 0; i < depth; i++) w = { or: [w] }
  return w
}

describe.each(targets)('filter bounds on $name', (target) => {
  const Item = itemModel('Bounded')
  let scope: { config: DataSourceConfig; dispose(): Promise<void> }
  let ds: DataSource
  let repo: DefaultCrudRepository<Item & InstanceType<typeof Item>, number>
  const ids: number[] = []

  beforeAll(async () => {
    scope = await target.create()
    ds = new DataSource({ ...scope.config, name: 'db', models: [Item] })
    if (ds.supportsMigration) await ds.automigrate()
    repo = new DefaultCrudRepository(Item, ds)
    for (const r of await repo.createAll([
      { title: 'milk', estimate: 1, due: new Date('2024-01-01T00:00:00Z'), isComplete: true, price: 1.25 },
      { title: 'bread', estimate: 2, due: new Date('2024-01-02T00:00:00Z'), isComplete: false, price: 2.5 },
      { title: 'eggs', estimate: 3, isComplete: false },
    ]))
      ids.push(r.id!)
  })
  afterAll(async () => {
    await ds?.disconnect()
    await scope?.dispose()
  })

  it.each([NaN, Infinity, -Infinity, 'NaN', 'Infinity'])('refuses the non-finite number %s with a clear error', async (n) => {
    for (const where of [{ estimate: n }, { estimate: { gt: n } }, { estimate: { inq: [1, n] } }, { estimate: { between: [0, n] } }])
      await expect(repo.find({ where } as never)).rejects.toThrow(/"Bounded".*property "estimate": .*(not a finite number|cannot be compared)/)
  })

  it.each([1e308, 2 ** 53, -1, 1.5, 'ten', Infinity])('refuses limit and skip %s', async (n) => {
    await expect(repo.find({ limit: n as number })).rejects.toThrow(/limit must be a whole number from 0 to 9007199254740991/)
    await expect(repo.find({ skip: n as number })).rejects.toThrow(/skip must be a whole number from 0 to/)
  })

  it('accepts the largest safe limit and skip', async () => {
    expect(await repo.find({ limit: Number.MAX_SAFE_INTEGER, order: 'estimate' })).toHaveLength(3)
    expect(await repo.find({ skip: 2, limit: Number.MAX_SAFE_INTEGER, order: 'estimate' })).toHaveLength(1)
  })

  it('refuses and/or nested 5,000 deep with a clear error (no stack overflow), and takes 64', async () => {
    await expect(repo.find({ where: deepOr(5000) } as never)).rejects.toThrow(/"and"\/"or" nest more than 64 levels deep/)
    expect((await repo.find({ where: deepOr(64) } as never)).map((r) => r.title)).toEqual(['milk'])
  })

  it('inq and nin with 70,000 values', async () => {
    const many = Array.from({ length: 70_000 }, (_, i) => i + 1_000_000)
    expect((await repo.find({ where: { id: { inq: [...many, ids[1]!] } } })).map((r) => r.title)).toEqual(['bread'])
    expect((await repo.find({ where: { id: { nin: [...many, ids[1]!] } }, order: 'estimate' })).map((r) => r.title)).toEqual(['milk', 'eggs'])
    const titles = Array.from({ length: 70_000 }, (_, i) => `t${i}`)
    expect(await repo.count({ title: { inq: [...titles, 'eggs', 'milk'] } })).toEqual({ count: 2 })
    // Every type binds as a list: dates, booleans, decimals.
    expect((await repo.find({ where: { due: { inq: [new Date('2024-01-02T00:00:00Z'), new Date('2030-01-01T00:00:00Z')] } } })).map((r) => r.title)).toEqual(['bread'])
    expect((await repo.find({ where: { isComplete: { inq: [true] } } })).map((r) => r.title)).toEqual(['milk'])
    expect((await repo.find({ where: { price: { nin: [1.25] } } })).map((r) => r.title)).toEqual(['bread'])
    const dates = Array.from({ length: 1000 }, (_, i) => new Date(Date.UTC(2030, 0, 1) + i * 1000))
    expect((await repo.find({ where: { due: { inq: [...dates, new Date('2024-01-01T00:00:00Z')] } } })).map((r) => r.title)).toEqual(['milk'])
    expect((await repo.find({ where: { isComplete: { inq: Array.from({ length: 1000 }, () => false) } }, order: 'estimate' })).map((r) => r.title)).toEqual(['bread', 'eggs'])
    // Small lists keep their old form and meaning.
    expect((await repo.find({ where: { title: { inq: ['milk', 'eggs'] } }, order: 'estimate' })).map((r) => r.title)).toEqual(['milk', 'eggs'])
  })
})
