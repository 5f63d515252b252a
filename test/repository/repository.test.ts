import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel, type DataSourceConfig, type Filter } from '../../src/index.js'
import { backends } from '../support/backends.js'
import { itemModel, noteModel, type Item } from './models.js'

/** Every SQL back end of the harness, plus the memory connector: one suite, the same expectations. */
const targets: Array<{ name: string; create(): Promise<{ config: DataSourceConfig; dispose(): Promise<void> }> }> = [
  ...backends,
  { name: 'memory', create: async () => ({ config: { connector: 'memory' }, dispose: async () => {} }) },
]

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)
/** The data set every filter case runs against. */
const seed: Item[] = [
  { title: 'milk', desc: 'semi-skimmed', isComplete: false, estimate: 1, due: new Date(T0), price: 1.25, rank: 5 },
  { title: 'bread', desc: 'sourdough', isComplete: true, estimate: 2, due: new Date(T0 + DAY), price: 3.5, rank: 4 },
  { title: 'Milkshake', desc: null, isComplete: false, estimate: 3, due: new Date(T0 + 2 * DAY), price: 4, rank: 3 },
  { title: 'eggs', desc: 'a dozen', isComplete: true, estimate: 4, due: null, price: 2.75, rank: 2 },
  { title: 'cheese_50%', desc: 'aged', isComplete: false, estimate: null, due: new Date(T0 + 4 * DAY), price: null, rank: 1 },
]

/** filter → titles expected, in order (cases with no order are compared sorted). */
const cases: Array<[string, Filter<Item>, string[]]> = [
  ['eq (plain value)', { where: { title: 'milk' } }, ['milk']],
  ['eq operator', { where: { estimate: { eq: 2 } } }, ['bread']],
  ['eq null', { where: { desc: null } }, ['Milkshake']],
  ['neq (NULL never matches)', { where: { desc: { neq: 'aged' } } }, ['bread', 'eggs', 'milk']],
  ['neq null', { where: { estimate: { neq: null } } }, ['Milkshake', 'bread', 'eggs', 'milk']],
  ['boolean', { where: { isComplete: true } }, ['bread', 'eggs']],
  ['gt', { where: { estimate: { gt: 2 } } }, ['Milkshake', 'eggs']],
  ['gte', { where: { estimate: { gte: 2 } } }, ['Milkshake', 'bread', 'eggs']],
  ['lt', { where: { estimate: { lt: 2 } } }, ['milk']],
  ['lte', { where: { estimate: { lte: 2 } } }, ['bread', 'milk']],
  ['gt on a date', { where: { due: { gt: new Date(T0 + DAY) } } }, ['Milkshake', 'cheese_50%']],
  ['date given as ISO text', { where: { due: { lte: new Date(T0 + DAY).toISOString() as unknown as Date } } }, ['bread', 'milk']],
  ['decimal', { where: { price: { gte: 3.5 } } }, ['Milkshake', 'bread']],
  ['bigint', { where: { rank: { lt: 3 } } }, ['cheese_50%', 'eggs']],
  ['inq', { where: { title: { inq: ['milk', 'eggs', 'nope'] } } }, ['eggs', 'milk']],
  ['inq empty', { where: { title: { inq: [] } } }, []],
  ['nin', { where: { estimate: { nin: [1, 2] } } }, ['Milkshake', 'eggs']],
  ['between', { where: { estimate: { between: [2, 3] } } }, ['Milkshake', 'bread']],
  ['between dates', { where: { due: { between: [new Date(T0), new Date(T0 + DAY)] } } }, ['bread', 'milk']],
  ['like is case-sensitive', { where: { title: { like: 'Milk%' } } }, ['Milkshake']],
  ['like with _', { where: { title: { like: '_ilk' } } }, ['milk']],
  ['like with an escaped %', { where: { title: { like: '%50\\%' } } }, ['cheese_50%']],
  ['nlike', { where: { title: { nlike: '%ilk%' } } }, ['bread', 'cheese_50%', 'eggs']],
  ['ilike', { where: { title: { ilike: 'MILK%' } } }, ['Milkshake', 'milk']],
  ['nilike', { where: { title: { nilike: 'milk%' } } }, ['bread', 'cheese_50%', 'eggs']],
  ['and', { where: { and: [{ isComplete: false }, { estimate: { gt: 1 } }] } }, ['Milkshake']],
  ['or', { where: { or: [{ title: 'milk' }, { estimate: { gte: 4 } }] } }, ['eggs', 'milk']],
  ['nested and/or', { where: { or: [{ and: [{ isComplete: true }, { price: { lt: 3 } }] }, { desc: null }] } }, ['Milkshake', 'eggs']],
  ['two operators on one property', { where: { estimate: { gt: 1, lt: 4 } } }, ['Milkshake', 'bread']],
  // Text order depends on collation (MySQL's ignores case), so this one compares lower-case titles only.
  ['order DESC', { where: { title: { neq: 'Milkshake' } }, order: 'title DESC' }, ['milk', 'eggs', 'cheese_50%', 'bread']],
  ['order array', { where: { estimate: { neq: null } }, order: ['isComplete DESC', 'estimate ASC'] }, ['bread', 'eggs', 'milk', 'Milkshake']],
  ['limit', { order: ['estimate'], where: { estimate: { gt: 0 } }, limit: 2 }, ['milk', 'bread']],
  ['skip', { order: 'rank', skip: 3 }, ['bread', 'milk']],
  ['offset with limit', { order: 'rank DESC', offset: 1, limit: 2 }, ['bread', 'Milkshake']],
]

describe.each(targets)('repository on $name', (target) => {
  const Item = itemModel()
  const Note = noteModel()
  let scope: { config: DataSourceConfig; dispose(): Promise<void> }
  let ds: DataSource
  let repo: DefaultCrudRepository<Item & InstanceType<typeof Item>, number>
  const ids: Record<string, number> = {}

  beforeAll(async () => {
    scope = await target.create()
    ds = new DataSource({ ...scope.config, name: 'db', models: [Item, Note] })
    if (ds.supportsMigration) await ds.automigrate()
    repo = new DefaultCrudRepository(Item, ds)
    for (const row of await repo.createAll(seed)) ids[row.title] = row.id!
  })
  afterAll(async () => {
    await ds?.disconnect()
    await scope?.dispose()
  })

  it('create returns a model instance with the generated id, database defaults and JS types', async () => {
    const t = await repo.create({
      title: 'typed',
      due: new Date('2024-05-06T07:08:09.123Z'),
      meta: { a: [1, 'two'], nested: { ok: true } },
      tags: ['x', 'y'],
      blob: Buffer.from([0, 1, 254, 255]),
      price: 12.34,
      rank: 9_007_199_254,
    })
    expect(t).toBeInstanceOf(Item)
    expect(typeof t.id).toBe('number')
    const back = await repo.findById(t.id!)
    for (const row of [t, back]) {
      expect(row).toBeInstanceOf(Item)
      expect(row.isComplete).toBe(false)
      expect(row.createdAt).toBeInstanceOf(Date)
      expect(Math.abs(row.createdAt!.getTime() - Date.now())).toBeLessThan(60_000)
      expect(row.due).toEqual(new Date('2024-05-06T07:08:09.123Z'))
      expect(row.meta).toEqual({ a: [1, 'two'], nested: { ok: true } })
      expect(row.tags).toEqual(['x', 'y'])
      expect(Buffer.isBuffer(row.blob)).toBe(true)
      expect([...row.blob!]).toEqual([0, 1, 254, 255])
      expect(row.price).toBe(12.34)
      expect(row.rank).toBe(9_007_199_254)
      expect(row.desc).toBeNull()
    }
    await repo.deleteById(t.id!)
  })

  it('generates string ids', async () => {
    const notes = new DefaultCrudRepository(Note, ds)
    const n = await notes.create({ body: 'hello' })
    expect(n.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect((await notes.findById(n.id!)).body).toBe('hello')
    await notes.deleteAll()
  })

  it.each(cases)('find: %s', async (_name, filter, expected) => {
    const rows = await repo.find(filter)
    const titles = rows.map((r) => r.title)
    if (filter.order) expect(titles).toEqual(expected)
    else expect(titles.sort()).toEqual([...expected].sort())
    for (const r of rows) expect(r).toBeInstanceOf(Item)
  })

  it('fields: array, inclusion object and exclusion object', async () => {
    const a = await repo.findOne({ where: { title: 'milk' }, fields: ['id', 'title'] })
    expect(a!.toJSON()).toEqual({ id: ids.milk, title: 'milk' })
    const b = await repo.findOne({ where: { title: 'milk' }, fields: { title: true, estimate: true } })
    expect(b!.toJSON()).toEqual({ title: 'milk', estimate: 1 })
    const c = await repo.findOne({ where: { title: 'milk' }, fields: { blob: false, meta: false, tags: false, createdAt: false } })
    expect(Object.keys(c!.toJSON()).sort()).toEqual(['desc', 'due', 'estimate', 'id', 'isComplete', 'price', 'rank', 'title'])
  })

  it('findOne, findById, count and exists', async () => {
    expect((await repo.findOne({ where: { title: 'nothing' } }))).toBeNull()
    expect((await repo.findOne({ order: 'estimate DESC', where: { estimate: { neq: null } } }))!.title).toBe('eggs')
    expect((await repo.findById(ids.bread!)).desc).toBe('sourdough')
    expect(await repo.count()).toEqual({ count: 5 })
    expect(await repo.count({ isComplete: false })).toEqual({ count: 3 })
    expect(await repo.exists(ids.eggs!)).toBe(true)
    expect(await repo.exists(999_999)).toBe(false)
    const err = await repo.findById(999_999).catch((e) => e)
    expect(err.code).toBe('ENTITY_NOT_FOUND')
    expect(err.message).toContain('Item')
  })

  it('refuses unknown properties in where, order and fields, naming model and property', async () => {
    for (const filter of [{ where: { nope: 1 } }, { order: 'nope DESC' }, { fields: ['nope'] }, { where: { or: [{ 'x"; DROP': 1 }] } }])
      await expect(repo.find(filter as Filter<Item>)).rejects.toThrow(/Model "Item" has no property "(nope|x\\"; DROP)"/)
    await expect(repo.find({ where: { title: { regexp: 'x' } } } as Filter<Item>)).rejects.toThrow(/unknown operator "regexp"/)
    await expect(repo.create({ title: 'x', nope: 1 } as Item)).rejects.toThrow(/property "nope" is not defined/)
    await expect(repo.create({ title: 42 } as unknown as Item)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(repo.create({ desc: 'no title' } as Item)).rejects.toThrow(/"title" is required/)
  })

  it('stores hostile values verbatim and finds them by value', async () => {
    const hostile = [`'; DROP TABLE "Item"; --`, `O'Reilly "quoted" \\ back\\slash`, `$1 ? :name %s`, `ünïcødé ✓ 🚀`, `line\nbreak\ttab`]
    const made = await repo.createAll(hostile.map((title) => ({ title, desc: title, meta: { title } })))
    for (const [i, t] of hostile.entries()) {
      const found = await repo.find({ where: { title: t } })
      expect(found.map((r) => r.id)).toEqual([made[i]!.id])
      expect(found[0]!.desc).toBe(t)
      expect(found[0]!.meta).toEqual({ title: t })
    }
    expect((await repo.find({ where: { title: { like: `O'Reilly%` } } })).map((r) => r.title)).toEqual([hostile[1]])
    expect(await repo.deleteAll({ title: { inq: hostile } })).toEqual({ count: hostile.length })
    expect(await repo.count()).toEqual({ count: 5 })
  })

  it('updateById, updateAll, replaceById, deleteById, deleteAll', async () => {
    const a = await repo.create({ title: 'temp-a', desc: 'keep', estimate: 10, meta: { v: 1 } })
    const b = await repo.create({ title: 'temp-b', estimate: 11 })
    await repo.updateById(a.id!, { isComplete: true, meta: { v: 2 } })
    const a2 = await repo.findById(a.id!)
    expect(a2).toMatchObject({ title: 'temp-a', desc: 'keep', isComplete: true, meta: { v: 2 } })
    await expect(repo.updateById(999_999, { desc: 'x' })).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' })
    expect(await repo.updateAll({ desc: 'bulk' }, { title: { like: 'temp-%' } })).toEqual({ count: 2 })
    expect((await repo.find({ where: { desc: 'bulk' } })).length).toBe(2)
    await repo.replaceById(a.id!, { title: 'temp-a2' })
    const a3 = await repo.findById(a.id!)
    expect(a3).toMatchObject({ id: a.id, title: 'temp-a2', desc: null, estimate: null, meta: null })
    await expect(repo.replaceById(999_999, { title: 'x' })).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' })
    await repo.deleteById(b.id!)
    await expect(repo.deleteById(b.id!)).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' })
    expect(await repo.deleteAll({ title: { like: 'temp-%' } })).toEqual({ count: 1 })
    expect(await repo.count()).toEqual({ count: 5 })
  })

  it('transactions commit on return and roll back on throw', async () => {
    const made = await ds.transaction(async (tx) => {
      const x = await repo.create({ title: 'tx-commit' }, { transaction: tx })
      await repo.updateById(x.id!, { estimate: 7 }, { transaction: tx })
      expect(await repo.count({ title: 'tx-commit' }, { transaction: tx })).toEqual({ count: 1 })
      return x
    })
    expect((await repo.findById(made.id!)).estimate).toBe(7)
    const err = await ds
      .transaction(async (tx) => {
        await repo.create({ title: 'tx-rollback' }, { transaction: tx })
        await repo.deleteById(made.id!, { transaction: tx })
        throw new Error('boom')
      })
      .catch((e) => e)
    expect(err.message).toBe('boom')
    expect(await repo.count({ title: 'tx-rollback' })).toEqual({ count: 0 })
    expect(await repo.exists(made.id!)).toBe(true)
    await repo.deleteById(made.id!)
    let leaked: import('../../src/index.js').Transaction | undefined
    await ds.transaction(async (tx) => void (leaked = tx))
    await expect(repo.find({}, { transaction: leaked })).rejects.toMatchObject({ code: 'INVALID_TRANSACTION' })
  })

  it('creates an entity that gives no value, only database defaults (no DEFAULT VALUES on MySQL)', async () => {
    const Tally = defineModel<{ id?: number; hits?: number; isOpen?: boolean; openedAt?: Date; note?: string | null }>({
      name: 'Tally',
      properties: {
        id: { type: 'number', id: true, generated: true },
        hits: { type: 'number', default: 3 },
        isOpen: { type: 'boolean', default: true },
        openedAt: { type: 'date', defaultFn: 'now' },
        note: { type: 'string' },
      },
    })
    ds.attach(Tally)
    if (ds.supportsMigration) await ds.autoupdate(['Tally'])
    const tallies = new DefaultCrudRepository(Tally, ds)
    const t = await tallies.create({})
    const [a, b] = await tallies.createAll([{}, {}])
    for (const row of [t, a!, b!, await tallies.findById(t.id!)]) {
      expect(row).toBeInstanceOf(Tally)
      expect(typeof row.id).toBe('number')
      expect(row).toMatchObject({ hits: 3, isOpen: true, note: null })
      expect(row.openedAt).toBeInstanceOf(Date)
    }
    expect(new Set([t.id, a!.id, b!.id]).size).toBe(3)
    expect(await tallies.count()).toEqual({ count: 3 })
  })

  it('createAll is atomic: one bad row inserts nothing', async () => {
    const rows = [{ title: 'ok-1' }, { title: 'ok-2' }, { id: ids.milk, title: 'duplicate id' }]
    await expect(repo.createAll(rows)).rejects.toThrow()
    expect(await repo.count({ title: { like: 'ok-%' } })).toEqual({ count: 0 })
  })

  it('createAll inserts 10,000 rows of 11 columns in one call, in order', async () => {
    const big = itemModel('BigItem')
    ds.attach(big)
    if (ds.supportsMigration) await ds.autoupdate(['BigItem'])
    const bigRepo = new DefaultCrudRepository(big, ds)
    const rows: Item[] = Array.from({ length: 10_000 }, (_, i) => ({
      title: `row ${i}`,
      desc: `desc ${i}`,
      isComplete: i % 2 === 0,
      estimate: i / 4,
      createdAt: new Date(T0 + i * 1000),
      due: new Date(T0 + i * DAY),
      meta: { i },
      tags: [String(i)],
      blob: Buffer.from([i % 256]),
      price: i + 0.5,
      rank: i,
    }))
    const made = await bigRepo.createAll(rows)
    expect(made).toHaveLength(10_000)
    expect(new Set(made.map((r) => r.id)).size).toBe(10_000)
    expect(made[9_999]).toMatchObject({ title: 'row 9999', isComplete: false, estimate: 2499.75, meta: { i: 9999 }, rank: 9999 })
    expect(await bigRepo.count()).toEqual({ count: 10_000 })
    const last = await bigRepo.findById(made[9_999]!.id!)
    expect(last.due).toEqual(new Date(T0 + 9_999 * DAY))
    expect(last.createdAt).toEqual(new Date(T0 + 9_999 * 1000))
    expect(await bigRepo.count({ isComplete: true })).toEqual({ count: 5_000 })
    expect(await bigRepo.count({ tags: { neq: null }, price: { between: [100, 199.5] } })).toEqual({ count: 100 })
  })
})

describe.each(backends)('repository mapping on $name', (backend) => {
  it('uses the migrator\'s naming (snake_case) and columnName', async () => {
    const scope = await backend.create()
    const Task = itemModel('TaskItem')
    Task.definition.properties.desc = { type: 'string', columnName: 'description' }
    const ds = new DataSource({ ...scope.config, naming: 'snake_case', models: [Task] })
    try {
      await ds.automigrate()
      const repo = new DefaultCrudRepository(Task, ds)
      await repo.create({ title: 'snake', desc: 'd', isComplete: true })
      const [row] = await scope.raw(`SELECT * FROM ${scope.table('task_item')}`)
      expect(row).toMatchObject({ title: 'snake', description: 'd' })
      expect(Object.keys(row!)).toContain('is_complete')
      expect((await repo.findOne({ where: { isComplete: true }, order: 'createdAt DESC' }))!.desc).toBe('d')
    } finally {
      await ds.disconnect()
      await scope.dispose()
    }
  })
})
