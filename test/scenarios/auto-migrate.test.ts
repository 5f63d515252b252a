import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { expectations } from '../support/expectations.js'
import { todoModels } from './models.js'

describe.each(backends)('auto-migrate on $name', (backend) => {
  const expected = expectations[backend.dialect]!
  let scope: TestScope
  let ds: DataSource
  beforeEach(async () => {
    scope = await backend.create()
  })
  afterEach(async () => {
    await ds?.disconnect()
    await scope.dispose()
  })

  it('creates exactly the declared columns, types, nullability, defaults, indexes, uniques and foreign keys', async () => {
    const { Todo, TodoList } = todoModels()
    // Todo comes first although it references TodoList: ordering must not depend on it.
    ds = new DataSource({ ...scope.config, models: [Todo, TodoList] })
    const result = await ds.automigrate()
    expect(result.executed).toBe(true)

    expect((await scope.catalog.tables()).filter((t) => !t.startsWith('sqlite_')).sort()).toEqual(['Todo', 'TodoList'])
    const cols = await scope.catalog.columns('Todo')
    expect(cols.map((c) => c.name)).toEqual(['id', 'title', 'desc', 'isComplete', 'estimate', 'createdAt', 'meta', 'todoListId'])
    const col = (n: string) => cols.find((c) => c.name === n)!
    expect(col('id').type).toBe(expected.types.integerId)
    expect(col('title').type).toBe(expected.types.varchar100)
    expect(col('desc').type).toBe(expected.types.string)
    expect(col('isComplete').type).toBe(expected.types.boolean)
    expect(col('estimate').type).toBe(expected.types.number)
    expect(col('createdAt').type).toBe(expected.types.date)
    expect(col('meta').type).toBe(expected.types.object)
    expect(col('todoListId').type).toBe(expected.types.integerId)
    expect(col('id').nullable).toBe(false)
    expect(col('title').nullable).toBe(false)
    expect(col('desc').nullable).toBe(true)
    expect(col('isComplete').default).toMatch(/false|0/i)
    expect(col('createdAt').default).toMatch(/current_timestamp|now|strftime/i)
    expect(col('desc').default).toBeNull()
    expect(await scope.catalog.primaryKey('Todo')).toEqual(['id'])

    const todoIndexes = await scope.catalog.indexes('Todo')
    expect(todoIndexes).toEqual([{ name: 'todo_title_created_idx', columns: ['title', 'createdAt'], unique: false }])
    const listIndexes = await scope.catalog.indexes('TodoList')
    expect(listIndexes).toEqual([{ name: 'TodoList_title_key', columns: ['title'], unique: true }])

    const fks = await scope.catalog.foreignKeys('Todo')
    expect(fks).toHaveLength(1)
    expect(fks[0]).toMatchObject({ columns: ['todoListId'], refTable: 'TodoList', refColumns: ['id'], onDelete: 'cascade' })
    if (expected.reportsForeignKeyNames) expect(fks[0]!.name).toBe('fk_todo_list')

    // Idempotency: auto-update right after plans nothing and touches nothing.
    const stamp = await scope.schemaStamp()
    const again = await ds.autoupdate()
    expect(again.plan.changes).toEqual([])
    expect(again.statementCount).toBe(0)
    expect(await scope.schemaStamp()).toBe(stamp)
  })

  it('runs a second time over linked tables holding rows (data lost on purpose)', async () => {
    const { Todo, TodoList } = todoModels()
    ds = new DataSource({ ...scope.config, models: [Todo, TodoList] })
    await ds.automigrate()
    await scope.insert('TodoList', { title: 'home' })
    const [list] = await scope.rows('TodoList', 'id')
    await scope.insert('Todo', { title: 'milk', todoListId: list!.id })
    const second = await ds.automigrate()
    expect(second.plan.changes.filter((c) => c.change.kind === 'drop-table')).toHaveLength(2)
    expect(await scope.rows('Todo', 'id')).toEqual([])
    expect(await scope.rows('TodoList', 'id')).toEqual([])
    expect(await scope.catalog.foreignKeys('Todo')).toHaveLength(1)
    expect((await ds.planAutoupdate()).changes).toEqual([])
  })

  it('leaves tables the models do not name alone', async () => {
    await scope.raw(`CREATE TABLE ${scope.table('Other')} (x integer)`)
    await scope.insert('Other', { x: 1 })
    const { Todo, TodoList } = todoModels()
    ds = new DataSource({ ...scope.config, models: [Todo, TodoList] })
    await ds.automigrate()
    await ds.automigrate()
    await ds.autoupdate()
    expect(await scope.rows('Other', 'x')).toEqual([{ x: 1 }])
  })
})
