import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CountingConnection, DataSource, registerConnector, type DataSourceConfig } from '../../src/index.js'
import { getConnector } from '../../src/datasource/connectors.js'
import { MemoryBackend } from '../../src/repository/memory-backend.js'
import { backends } from '../support/backends.js'
import { Tag, TagRepository, Todo, TodoList, TodoListImage, TodoListImageRepository, TodoListRepository, TodoRepository } from './relation-models.js'

/** Every SQL back end, plus the memory connector. */
const targets: Array<{ name: string; create(): Promise<{ config: DataSourceConfig; dispose(): Promise<void> }> }> = [
  ...backends,
  { name: 'memory', create: async () => ({ config: { connector: 'memory' }, dispose: async () => {} }) },
]

describe.each(targets)('relations on $name', (target) => {
  let scope: { config: DataSourceConfig; dispose(): Promise<void> }
  let ds: DataSource
  let counting: CountingConnection | undefined
  let memoryFinds: ReturnType<typeof vi.spyOn> | undefined
  let lists: TodoListRepository
  let todos: TodoRepository
  let tags: TagRepository
  const listIds: number[] = []
  const tagIds: Record<string, number> = {}

  /** Statements sent (SQL back ends) or store reads (memory) while `fn` runs. */
  async function reads(fn: () => Promise<unknown>): Promise<number> {
    if (memoryFinds) {
      const before = memoryFinds.mock.calls.length
      await fn()
      return memoryFinds.mock.calls.length - before
    }
    const before = counting!.count
    await fn()
    return counting!.count - before
  }

  beforeAll(async () => {
    scope = await target.create()
    const connector = String(scope.config.connector)
    if (connector === 'memory') memoryFinds = vi.spyOn(MemoryBackend.prototype, 'find')
    else {
      const base = getConnector(connector)
      registerConnector(`counting-${target.name}`, {
        dialect: base.dialect,
        describe: base.describe,
        connect: async (c) => (counting = new CountingConnection(await base.connect(c))),
      })
    }
    const models = [TodoList, Todo, TodoListImage, Tag]
    if (!memoryFinds) {
      // Migrated through the plain connector (SQLite's migration lock wants its own session type).
      const plain = new DataSource({ ...scope.config, name: 'db', models })
      await plain.automigrate()
      await plain.disconnect()
    }
    ds = new DataSource({ ...scope.config, name: 'db', connector: memoryFinds ? 'memory' : `counting-${target.name}`, models })
    tags = new TagRepository(ds)
    new TodoListImageRepository(ds)
    lists = new TodoListRepository(ds, async () => todos)
    todos = new TodoRepository(ds, async () => lists, async () => tags)
    for (const t of await tags.createAll([{ name: 'home' }, { name: 'work' }, { name: 'urgent' }])) tagIds[t.name] = t.id!
    // 30 lists, so a per-row query would show in the counts.
    for (const l of await lists.createAll(Array.from({ length: 30 }, (_, i) => ({ title: `list ${i}`, color: i % 2 ? 'red' : 'blue' }))))
      listIds.push(l.id!)
    for (const [i, id] of listIds.entries()) {
      await lists.todos(id).create({ title: `a${i}`, isComplete: false, secret: 'x', tagIds: [tagIds.work!, tagIds.home!] })
      await lists.todos(id).create({ title: `b${i}`, isComplete: true })
      await lists.todos(id).create({ title: `c${i}`, isComplete: false, tagIds: [tagIds.urgent!] })
      if (i % 3 === 0) await lists.image(id).create({ value: `img${i}` })
    }
    await todos.create({ title: 'orphan' })
  })
  afterAll(async () => {
    memoryFinds?.mockRestore()
    await ds?.disconnect()
    await scope?.dispose()
  })

  it('include hasMany and hasOne: one query per relation, whatever the number of parents', async () => {
    let found: TodoList[] = []
    expect(await reads(async () => (found = await lists.find({ include: ['todos', { relation: 'image' }], order: ['id'] })))).toBe(3)
    expect(found).toHaveLength(30)
    const first = found[0]! as TodoList & { todos: Todo[]; image?: TodoListImage }
    expect(first.todos.map((t) => t.title).sort()).toEqual(['a0', 'b0', 'c0'])
    expect(first.todos[0]).toBeInstanceOf(Todo)
    expect(first.image?.value).toBe('img0')
    expect((found[1] as { image?: unknown }).image).toBeUndefined()
    // JSON as LoopBack gives it: relations inline, hidden properties left out, no key for a missing hasOne.
    const json = JSON.parse(JSON.stringify(found[1]))
    expect(Object.keys(json).sort()).toEqual(['color', 'id', 'title', 'todos'])
    expect(json.todos.find((t: { title: string }) => t.title === 'a1')).toEqual({
      id: expect.any(Number),
      title: 'a1',
      isComplete: false,
      todoListId: listIds[1],
      tagIds: [tagIds.work, tagIds.home],
    })
  })

  it('nested include with scopes: where, order, fields, per-parent limit; one query per level', async () => {
    let found: TodoList[] = []
    const n = await reads(async () => {
      found = await lists.find({
        where: { color: 'blue' },
        fields: ['title'],
        order: ['id'],
        include: [{ relation: 'todos', scope: { where: { isComplete: false }, order: ['title DESC'], limit: 1, fields: ['title', 'tagIds'], include: ['tags'] } }],
      })
    })
    expect(n).toBe(3)
    expect(found).toHaveLength(15)
    // The keys the relations needed were read, then left out as `fields` asked.
    expect(found[0]!.toJSON()).toEqual({ title: 'list 0', todos: [{ title: 'c0', tagIds: [tagIds.urgent], tags: [{ id: tagIds.urgent, name: 'urgent' }] }] })
    expect(found.every((l) => (l as { todos?: Todo[] }).todos?.length === 1)).toBe(true)
  })

  it('include belongsTo and referencesMany (in the order of the ids held); a null key includes nothing', async () => {
    let found: Todo[] = []
    expect(await reads(async () => (found = await todos.find({ where: { title: { inq: ['a2', 'orphan'] } }, order: ['title'], include: ['todoList', 'tags'] })))).toBe(3)
    expect(found.map((t) => [t.title, t.todoList?.title, t.tags?.map((g) => g.name)])).toEqual([
      ['a2', 'list 2', ['work', 'home']],
      ['orphan', undefined, undefined],
    ])
    const one = await todos.findById(found[0]!.id!, { include: [{ relation: 'todoList', scope: { fields: ['title'] } }] })
    expect(one.todoList!.toJSON()).toEqual({ title: 'list 2' })
    const first = await todos.findOne({ where: { title: 'b3' }, include: ['todoList'] })
    expect(first!.todoList!.id).toBe(listIds[3])
  })

  it('accessors: todoListRepository.todos(id).find/create/patch/delete, todoRepository.todoList(id), image(id).get', async () => {
    const id = listIds[4]!
    expect((await lists.todos(id).find({ where: { isComplete: true } })).map((t) => t.title)).toEqual(['b4'])
    expect(await lists.todos(id).patch({ isComplete: true }, { title: 'a4' })).toEqual({ count: 1 })
    expect((await lists.todos(id).find({ order: ['title'] })).map((t) => [t.title, t.isComplete])).toEqual([
      ['a4', true],
      ['b4', true],
      ['c4', false],
    ])
    const made = await lists.todos(id).create({ title: 'd4' })
    expect(made.todoListId).toBe(id)
    expect((await todos.todoList(made.id!)).title).toBe('list 4')
    expect(await lists.todos(id).delete({ title: 'd4' })).toEqual({ count: 1 })
    expect((await lists.todos(listIds[5]!).find()).length).toBe(3)
    expect((await lists.image(listIds[3]!).get()).value).toBe('img3')
    await expect(lists.image(listIds[4]!).get()).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' })
    expect((await todos.tags((await todos.findOne({ where: { title: 'a4' } }))!.id!)).map((t) => t.name)).toEqual(['work', 'home'])
    const orphan = await todos.findOne({ where: { title: 'orphan' } })
    await expect(todos.todoList(orphan!.id!)).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' })
    await expect(lists.todos(id).create({ title: 'x', todoListId: listIds[0] })).rejects.toMatchObject({ code: 'INVALID_DATA' })
    await expect(lists.todos(id).patch({ todoListId: listIds[0] })).rejects.toThrow(/foreign key of relation "TodoList.todos"/)
  })

  it('refuses unknown relations in include and relations given as data', async () => {
    await expect(lists.find({ include: ['nope'] })).rejects.toMatchObject({ code: 'INVALID_INCLUSION_FILTER', message: expect.stringContaining('no relation "nope"') })
    await expect(lists.find({ include: [42 as never] })).rejects.toMatchObject({ code: 'INVALID_INCLUSION_FILTER' })
    const withTodos = await lists.findById(listIds[6]!, { include: ['todos'] })
    await expect(lists.create({ title: 'x', todos: [] } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('"todos" is a relation') })
    await expect(lists.save(withTodos)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
  })
})
