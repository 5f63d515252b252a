import { describe, expect, it } from 'vitest'
import { DataSource, defineModel, PlanRefusedError } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { useScope } from '../support/scope.js'
import { todoModels } from './models.js'

/** The list model at version 1, then grown by the scenarios. */
function listV1() {
  return defineModel({
    name: 'TodoList',
    properties: { id: { type: 'number', id: true, generated: true }, title: { type: 'string', required: true, length: 100 } },
  })
}

describe.each(backends)('auto-update on $name', (backend) => {
  let scope: TestScope
  const ds = useScope(backend, (s) => (scope = s))

  async function expectIdempotent(d: DataSource) {
    const stamp = await scope.schemaStamp()
    const again = await d.autoupdate()
    expect(again.plan.changes.map((c) => c.summary)).toEqual([])
    expect(again.statementCount).toBe(0)
    expect(await scope.schemaStamp()).toBe(stamp)
  }

  it('creates missing tables, then adds columns, indexes and foreign keys keeping every row', async () => {
    await ds([listV1()]).autoupdate()
    await scope.insert('TodoList', { title: 'home' })
    await scope.insert('TodoList', { title: "o'brien" })
    const before = await scope.rows('TodoList', 'id')

    const { Todo, TodoList } = todoModels()
    const d = ds([Todo, TodoList])
    const result = await d.autoupdate()
    const kinds = result.plan.changes.map((c) => c.change.kind)
    expect(kinds).toContain('create-table')
    // title went from varchar(100) to text: a widening, applied without allowDataLoss.
    expect(result.plan.changes.find((c) => c.change.kind === 'alter-column' || c.change.kind === 'rebuild-table')).toBeTruthy()

    const after = await scope.rows('TodoList', 'id')
    expect(after.map((r) => [r.id, r.title])).toEqual(before.map((r) => [r.id, r.title]))
    expect((await scope.catalog.indexes('TodoList')).map((i) => i.name)).toEqual(['TodoList_title_key'])
    expect(await scope.catalog.foreignKeys('Todo')).toHaveLength(1)
    await expectIdempotent(d)

    // A new column with a default on a table with rows, and a new index.
    await scope.insert('Todo', { title: 'milk', todoListId: before[0]!.id })
    const Todo2 = defineModel({
      ...Todo.definition,
      properties: { ...Todo.definition.properties, priority: { type: 'number', required: true, default: 3 } },
      settings: {
        ...Todo.definition.settings,
        indexes: { ...Todo.definition.settings.indexes, todo_priority_idx: { keys: { priority: 1 } } },
      },
    })
    const d2 = ds([Todo2, TodoList])
    const r2 = await d2.autoupdate()
    expect(r2.plan.changes.map((c) => c.change.kind).sort()).toEqual(['add-column', 'add-index'])
    const rows = await scope.rows('Todo', 'id')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ title: 'milk', priority: 3 })
    expect((await scope.catalog.indexes('Todo')).map((i) => i.name).sort()).toEqual(['todo_priority_idx', 'todo_title_created_idx'])
    await expectIdempotent(d2)
  })

  it('refuses a destructive change, names model, property and column, then applies it with allowDataLoss', async () => {
    const wide = defineModel({
      name: 'Note',
      properties: { id: { type: 'number', id: true }, body: { type: 'string', length: 200 } },
    })
    await ds([wide]).autoupdate()
    await scope.insert('Note', { id: 1, body: 'short' })
    const narrow = defineModel({
      name: 'Note',
      properties: { id: { type: 'number', id: true }, body: { type: 'string', length: 20 } },
    })
    const d = ds([narrow])
    const stamp = await scope.schemaStamp()
    const err = await d.autoupdate().catch((e) => e)
    expect(err).toBeInstanceOf(PlanRefusedError)
    expect(err.message).toMatch(/model "Note"/)
    expect(err.message).toMatch(/property "body"/)
    expect(err.message).toMatch(/Note\.body/)
    expect(err.message).toMatch(/allowDataLoss/)
    expect(await scope.schemaStamp()).toBe(stamp)

    const applied = await d.autoupdate(undefined, { allowDataLoss: true })
    expect(applied.executed).toBe(true)
    const col = (await scope.catalog.columns('Note')).find((c) => c.name === 'body')!
    expect(col.type).toMatch(/20/)
    expect(await scope.rows('Note', 'id')).toEqual([{ id: 1, body: 'short' }])
    await expectIdempotent(d)
  })

  it('keeps a removed property\u2019s column (reported as drift) unless told to drop it', async () => {
    const v1 = defineModel({
      name: 'Item',
      properties: { id: { type: 'number', id: true }, name: { type: 'string' }, legacy: { type: 'string' } },
    })
    await ds([v1]).autoupdate()
    await scope.insert('Item', { id: 1, name: 'a', legacy: 'keep me' })
    const v2 = defineModel({ name: 'Item', properties: { id: { type: 'number', id: true }, name: { type: 'string' } } })
    const d = ds([v2])
    const plan = await d.planAutoupdate()
    expect(plan.changes).toEqual([])
    expect(plan.drift.map((x) => [x.kind, x.name])).toEqual([['removed-column', 'legacy']])
    await d.autoupdate()
    expect((await scope.rows('Item', 'id'))[0]!.legacy).toBe('keep me')

    await expect(d.autoupdate(undefined, { removedColumns: 'drop' })).rejects.toThrow(/Item\.legacy"/)
    await d.autoupdate(undefined, { removedColumns: 'drop', allowDataLoss: true })
    expect((await scope.catalog.columns('Item')).map((c) => c.name)).toEqual(['id', 'name'])
    expect(await scope.rows('Item', 'id')).toEqual([{ id: 1, name: 'a' }])
  })

  it('leaves a hand-made index alone and reports it; drops an index it made once the model drops it', async () => {
    const { Todo, TodoList } = todoModels()
    await ds([Todo, TodoList]).autoupdate()
    await scope.raw(`CREATE INDEX ${scope.quote('dba_desc_idx')} ON ${scope.table('Todo')} (${scope.quote('desc')})`)
    const plan = await ds([Todo, TodoList]).planAutoupdate()
    expect(plan.changes).toEqual([])
    expect(plan.drift.map((d) => [d.kind, d.name])).toEqual([['unmanaged-index', 'dba_desc_idx']])

    const Todo2 = defineModel({ ...Todo.definition, settings: { ...Todo.definition.settings, indexes: {} } })
    const d = ds([Todo2, TodoList])
    const r = await d.autoupdate()
    expect(r.plan.changes.map((c) => c.summary)).toEqual([expect.stringMatching(/drop index todo_title_created_idx/)])
    expect((await scope.catalog.indexes('Todo')).map((i) => i.name)).toEqual(['dba_desc_idx'])
    await expectIdempotent(d)

    // A change SQLite makes by rebuilding the table keeps the hand-made index too.
    const Todo3 = defineModel({
      ...Todo2.definition,
      properties: { ...Todo2.definition.properties, desc: { type: 'string', required: true, default: '' } },
    })
    const d3 = ds([Todo3, TodoList])
    await d3.autoupdate()
    expect((await scope.catalog.indexes('Todo')).map((i) => i.name)).toEqual(['dba_desc_idx'])
    expect((await scope.catalog.columns('Todo')).find((c) => c.name === 'desc')!.nullable).toBe(false)
    await expectIdempotent(d3)
  })

  it('changes nullability, defaults, primary keys and foreign keys in place with rows intact', async () => {
    const { Todo, TodoList } = todoModels()
    await ds([Todo, TodoList]).autoupdate()
    await scope.insert('TodoList', { title: 'a' })
    await scope.insert('TodoList', { title: 'b' })
    const lists = await scope.rows('TodoList', 'id')
    await scope.insert('Todo', { title: 't1', desc: 'd', todoListId: lists[0]!.id })
    await scope.insert('Todo', { title: 't2', desc: 'e', todoListId: lists[1]!.id })
    const before = (await scope.rows('Todo', 'id')).map((r) => [r.id, r.title, r.desc, r.todoListId])

    const Todo2 = defineModel({
      ...Todo.definition,
      properties: {
        ...Todo.definition.properties,
        desc: { type: 'string', required: true, default: 'none' },
        isComplete: { type: 'boolean', default: true },
      },
      settings: {
        ...Todo.definition.settings,
        foreignKeys: {
          fk_todo_list: { name: 'fk_todo_list', entity: 'TodoList', entityKey: 'id', foreignKey: 'todoListId', onDelete: 'SET NULL' },
        },
      },
    })
    const d = ds([Todo2, TodoList])
    const r = await d.autoupdate()
    expect(r.executed).toBe(true)
    const cols = await scope.catalog.columns('Todo')
    expect(cols.find((c) => c.name === 'desc')).toMatchObject({ nullable: false })
    expect(cols.find((c) => c.name === 'desc')!.default).toMatch(/none/)
    expect(cols.find((c) => c.name === 'isComplete')!.default).toMatch(/true|1/i)
    expect((await scope.catalog.foreignKeys('Todo'))[0]).toMatchObject({ onDelete: 'set null' })
    const after = (await scope.rows('Todo', 'id')).map((r) => [r.id, r.title, r.desc, r.todoListId])
    expect(after).toEqual(before)
    await expectIdempotent(d)

    // The foreign key is enforced after the change (a rebuild on SQLite must not lose it).
    await expect(scope.insert('Todo', { title: 'orphan', desc: 'x', todoListId: 9999 })).rejects.toThrow()
  })

  it('keeps literal defaults of every type stable run after run', async () => {
    const M = defineModel({
      name: 'Defaults',
      properties: {
        id: { type: 'number', id: true },
        since: { type: 'date', default: new Date('2020-01-02T03:04:05.678Z') },
        ratio: { type: 'number', default: 0.25 },
        flag: { type: 'boolean', default: true },
        label: { type: 'string', length: 30, default: "it's" },
        meta: { type: 'object', default: { a: [1, 2] } },
      },
    })
    const d = ds([M])
    await d.autoupdate()
    await expectIdempotent(d)
    await scope.insert('Defaults', { id: 1 })
    const [row] = await scope.rows('Defaults', 'id')
    expect(new Date(row!.since).toISOString()).toBe('2020-01-02T03:04:05.678Z')
    expect(Number(row!.ratio)).toBe(0.25)
    expect(row!.label).toBe("it's")
  })

  it('makes a composite primary key and back', async () => {
    const single = defineModel({
      name: 'Membership',
      properties: {
        userId: { type: 'number', id: true },
        groupId: { type: 'number', required: true, dataType: 'integer' },
        role: { type: 'string' },
      },
    })
    await ds([single]).autoupdate()
    await scope.insert('Membership', { userId: 1, groupId: 1, role: 'admin' })
    const composite = defineModel({
      name: 'Membership',
      properties: { userId: { type: 'number', id: 1 }, groupId: { type: 'number', id: 2 }, role: { type: 'string' } },
    })
    const d = ds([composite])
    await d.autoupdate()
    expect(await scope.catalog.primaryKey('Membership')).toEqual(['userId', 'groupId'])
    expect(await scope.rows('Membership', 'userId')).toEqual([{ userId: 1, groupId: 1, role: 'admin' }])
    await expectIdempotent(d)
  })

  it('dry run prints the plan with SQL and changes nothing', async () => {
    const { Todo, TodoList } = todoModels()
    const d = ds([Todo, TodoList])
    const stamp = await scope.schemaStamp()
    const r = await d.autoupdate(undefined, { dryRun: true })
    expect(r.executed).toBe(false)
    expect(r.plan.changes.length).toBeGreaterThan(0)
    expect(r.plan.changes.every((c) => c.statements.length > 0)).toBe(true)
    expect(r.plan.changes[0]!.statements[0]!.sql).toMatch(/^CREATE TABLE/)
    expect(await scope.schemaStamp()).toBe(stamp)
    expect(await scope.catalog.tables()).toEqual([])
    // The plan is a plain value: it survives JSON.
    expect(JSON.parse(JSON.stringify(r.plan))).toEqual(r.plan)
  })

  it('takes hostile identifiers and default values verbatim, quoted and escaped', async () => {
    const evil = `x"; DROP TABLE "Victim"; --`
    await scope.raw(`CREATE TABLE ${scope.table('Victim')} (id integer)`)
    const Hostile = defineModel({
      name: `Weird "Table"; --`,
      properties: {
        id: { type: 'number', id: true, generated: true },
        [evil]: { type: 'string', default: `'); DROP TABLE "Victim"; --` },
        order: { type: 'string', index: true },
        group: { type: 'number', default: 0 },
        user: { type: 'boolean', default: true },
        'Mixed Case Column': { type: 'string', default: "it's \\ \"quoted\"" },
      },
    })
    const d = ds([Hostile])
    await d.autoupdate()
    expect((await scope.catalog.tables()).sort()).toEqual(['Victim', `Weird "Table"; --`].sort())
    const cols = await scope.catalog.columns(`Weird "Table"; --`)
    expect(cols.map((c) => c.name)).toEqual(['id', evil, 'order', 'group', 'user', 'Mixed Case Column'])
    await scope.raw(`INSERT INTO ${scope.table(`Weird "Table"; --`)} (${scope.quote('order')}) VALUES ('x')`)
    const [row] = await scope.rows(`Weird "Table"; --`, 'id')
    expect(row![evil]).toBe(`'); DROP TABLE "Victim"; --`)
    expect(row!['Mixed Case Column']).toBe("it's \\ \"quoted\"")
    await expectIdempotent(d)
  })
})
