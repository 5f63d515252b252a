import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../src/index.js'
import { backends, postgresBackend, type TestScope } from '../support/backends.js'

const TodoList = () =>
  defineModel({
    name: 'TodoList',
    properties: {
      id: { type: 'number', id: true, generated: true },
      title: { type: 'string', required: true },
      createdAt: { type: 'date' },
      ownerId: { type: 'number' },
    },
    settings: { indexes: { todolist_title_idx: { keys: { title: 1 } } } },
  })

describe.each(backends)('naming conventions on $name', (backend) => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await backend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  it("'snake_case' names tables and columns in snake case; 'exact' keeps them as written", async () => {
    const snake = new DataSource({ ...scope.config, naming: 'snake_case', models: [TodoList()] })
    await snake.autoupdate()
    expect((await scope.catalog.columns('todo_list')).map((c) => c.name)).toEqual(['id', 'title', 'created_at', 'owner_id'])
    expect((await snake.planAutoupdate()).changes).toEqual([])
    await snake.disconnect()
    // Index names share one namespace per schema: the second table does without.
    const plain = defineModel({ ...TodoList().definition, settings: {} })
    const exact = new DataSource({ ...scope.config, models: [plain] })
    await exact.autoupdate()
    expect((await scope.catalog.columns('TodoList')).map((c) => c.name)).toEqual(['id', 'title', 'createdAt', 'ownerId'])
    await exact.disconnect()
  })

  it('pinned table and column names win over the convention', async () => {
    const M = defineModel({
      name: 'Pinned',
      properties: { id: { type: 'number', id: true }, firstName: { type: 'string', columnName: 'FIRST' } },
      settings: { table: 'PinnedPeople' },
    })
    const d = new DataSource({ ...scope.config, naming: 'snake_case', models: [M] })
    await d.autoupdate()
    expect((await scope.catalog.columns('PinnedPeople')).map((c) => c.name)).toEqual(['id', 'FIRST'])
    await d.disconnect()
  })
})

describe("adopting a LoopBack database with naming: 'loopback'", () => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await postgresBackend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  it('finds nothing to change in the schema LoopBack created (no rename, no type change)', async () => {
    // What loopback-connector-postgresql's automigrate creates for this model.
    const t = scope.table('todolist')
    await scope.raw(`CREATE TABLE ${t} (id SERIAL, title TEXT NOT NULL, createdat TIMESTAMP WITH TIME ZONE, ownerid INTEGER, PRIMARY KEY(id))`)
    await scope.raw(`CREATE INDEX "todolist_title_idx" ON ${t} (title)`)
    await scope.raw(`INSERT INTO ${t} (title, ownerid) VALUES ('groceries', 7)`)
    const d = new DataSource({ ...scope.config, naming: 'loopback', models: [TodoList()] })
    const plan = await d.planAutoupdate()
    expect(plan.changes.map((c) => c.summary)).toEqual([])
    expect(plan.drift).toEqual([])
    await d.disconnect()
  })
})
