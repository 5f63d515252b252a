import { afterEach, describe, expect, it } from 'vitest'
import type { AppModel } from './apps/index.js'
import { todoListApp } from './apps/todo-list.js'
import {
  createTarget,
  loopbackBackends,
  loopbackDataSource,
  loopbackRows,
  shipshapeDataSource,
  shipshapeRows,
} from './loopback-harness.js'

// After adoption, the models move on under Shipshape: a LoopBack database evolves safely, keeps
// every row, and LoopBack (with the new definitions) still reads and writes it.
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined)
})

const model = (name: string) => todoListApp.models.find((m) => m.name === name)!

/** todo-list, one release later: every kind of change a team makes after adopting. */
const evolved: AppModel[] = [
  {
    ...model('TodoList'),
    properties: {
      ...model('TodoList').properties,
      // renamedFrom: the column is renamed in place, its values kept.
      colour: { type: 'string', renamedFrom: 'color' },
    },
  },
  {
    ...model('Todo'),
    properties: {
      id: model('Todo').properties.id!,
      // An index on an existing property.
      title: { type: 'string', required: true, index: true },
      desc: { type: 'string' },
      isComplete: { type: 'boolean' },
      todoListId: { type: 'number' },
      // A new optional property, and a required one with a default for the rows already there.
      priority: { type: 'number' },
      status: { type: 'string', required: true, default: 'open' },
    },
    relations: { ...model('Todo').relations, notes: { type: 'hasMany', target: 'TodoNote', keyTo: 'todoId' } },
  },
  model('TodoListImage'),
  // A new related model whose foreign key Shipshape creates.
  {
    name: 'TodoNote',
    properties: {
      id: { type: 'number', id: true, generated: true },
      text: { type: 'string', required: true },
      todoId: { type: 'number', required: true },
    },
    relations: { todo: { type: 'belongsTo', target: 'Todo', keyFrom: 'todoId', foreignKeyConstraint: true } },
  },
]
delete evolved[0]!.properties.color

describe.each(loopbackBackends)('evolving an adopted LoopBack database on %s', (backend) => {
  it('add property, required property with default, index, new related model, renamedFrom: every row kept, LoopBack still reads', async () => {
    const t = await createTarget(backend)
    cleanups.push(() => t.dispose())
    const lb = loopbackDataSource(t, todoListApp.models)
    cleanups.push(() => lb.disconnect())
    await lb.automigrate()
    await todoListApp.seed(async (m, data) => (await lb.model(m).create(data)).toObject(), 1)
    const before = Object.fromEntries(await Promise.all(todoListApp.models.map(async (m) => [m.name, await loopbackRows(lb, m)] as const)))

    const ss = shipshapeDataSource(t, evolved)
    cleanups.push(() => ss.ds.disconnect())
    const result = await ss.ds.autoupdate()
    const kinds = result.plan.changes.map((c) => c.change.kind).sort()
    expect(kinds).toEqual(expect.arrayContaining(['add-column', 'add-column', 'add-index', 'create-table', 'rename-column']))
    expect(result.plan.changes.filter((c) => c.risk === 'destructive')).toEqual([])
    // Idempotent: the next auto-update plans nothing.
    expect((await ss.ds.planAutoupdate()).changes).toEqual([])

    // Every row kept: old values as they were, the renamed column's values under the new name, the default filled in.
    const lists = await ss.repository('TodoList').find({ order: ['id'] })
    expect(lists.map((r: any) => ({ id: r.id, title: r.title, colour: r.colour }))).toEqual(
      [...before.TodoList!].sort((a: any, b: any) => a.id - b.id).map((r: any) => ({ id: r.id, title: r.title, colour: r.color })),
    )
    const todos = await ss.repository('Todo').find({ order: ['id'] })
    expect(todos.map((r: any) => ({ id: r.id, title: r.title, desc: r.desc, isComplete: r.isComplete, todoListId: r.todoListId }))).toEqual(
      [...before.Todo!].sort((a: any, b: any) => a.id - b.id),
    )
    expect(todos.map((r: any) => [r.status, r.priority])).toEqual(todos.map(() => ['open', null]))
    expect(await ss.repository('TodoListImage').count()).toEqual({ count: before.TodoListImage!.length })

    // Shipshape writes through the new model, LoopBack (given the new definitions) reads it all back.
    const note = await ss.repository('TodoNote').create({ text: 'buy organic', todoId: todos[0]!.id })
    await ss.repository('Todo').create({ title: 'bread', priority: 2, todoListId: lists[0]!.id })
    const lb2 = loopbackDataSource(t, evolved)
    cleanups.push(() => lb2.disconnect())
    // And LoopBack writes a row Shipshape reads (its juggler fills the default in).
    await lb2.model('Todo').create({ title: 'butter', todoListId: lists[0]!.id })
    for (const m of evolved) {
      const props = Object.keys(lb2.model(m.name).definition.properties)
      expect(await shipshapeRows(ss, m, props), `${m.name} read by both`).toEqual(await loopbackRows(lb2, m))
    }
    expect((await lb2.model('TodoNote').findById(note.id)).text).toBe('buy organic')
    expect(await ss.repository('Todo').count({ status: 'open' })).toEqual({ count: todos.length + 2 })
  })
})

describe('a zero-downtime expand of a LoopBack database while LoopBack itself keeps serving (postgres)', () => {
  it('LoopBack (the old version) writes through expand and backfill, Shipshape (the new one) through its view; after contract LoopBack with the new definitions reads every row', async () => {
    const t = await createTarget('postgres')
    cleanups.push(() => t.dispose())
    const lb = loopbackDataSource(t, todoListApp.models)
    cleanups.push(() => lb.disconnect())
    await lb.automigrate()
    await todoListApp.seed(async (m, data) => (await lb.model(m).create(data)).toObject(), 1)
    const lists = await lb.model('TodoList').find({ order: 'id' })

    const migrator = shipshapeDataSource(t, evolved)
    cleanups.push(() => migrator.ds.disconnect())
    const expanded = await migrator.ds.expand()
    expect(expanded.status.phase).toBe('expanded')
    expect(expanded.status.summary.join('\n')).toMatch(/todolist\.color → colour/)

    // The old version is real LoopBack, with its old definitions, on the table itself.
    const byLoopback = await lb.model('TodoList').create({ title: 'written by LoopBack', color: 'teal' })
    await lb.model('TodoList').updateAll({ id: lists[0].id }, { color: 'amber' })
    await lb.model('Todo').create({ title: 'still LoopBack', todoListId: lists[0].id })
    // The new version, through its view.
    const v2 = shipshapeDataSource(t, evolved, { schemaVersion: 'v2' })
    cleanups.push(() => v2.ds.disconnect())
    expect((await v2.repository('TodoList').findById(byLoopback.id)).colour).toBe('teal')
    expect((await v2.repository('TodoList').findById(lists[0].id)).colour).toBe('amber')
    const byShipshape = await v2.repository('TodoList').create({ title: 'written by v2', colour: 'plum' })
    expect((await lb.model('TodoList').findById(byShipshape.id)).color).toBe('plum')

    await migrator.ds.contract()
    expect(await migrator.ds.isActual()).toBe(true)
    const lb2 = loopbackDataSource(t, evolved)
    cleanups.push(() => lb2.disconnect())
    for (const m of evolved) {
      const props = Object.keys(lb2.model(m.name).definition.properties)
      expect(await shipshapeRows(migrator, m, props), `${m.name} read by both`).toEqual(await loopbackRows(lb2, m))
    }
    expect((await lb2.model('TodoList').findById(byLoopback.id)).colour).toBe('teal')
    expect(await migrator.repository('Todo').count({ status: 'open' })).toEqual({ count: (await lb2.model('Todo').count()) })
  })
})
