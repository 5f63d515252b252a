import { readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel, generateMigration, pullModels, type ModelClass } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { todoModels } from '../scenarios/models.js'
import { migrationsDir } from './support.js'

const SHIPSHAPE = fileURLToPath(new URL('../../src/index.ts', import.meta.url))

describe.each(backends)('pull on $name', (backend) => {
  let scope: TestScope
  let dir: ReturnType<typeof migrationsDir>
  const open: DataSource[] = []
  beforeEach(async () => {
    scope = await backend.create()
    dir = migrationsDir()
  })
  afterEach(async () => {
    for (const ds of open.splice(0)) await ds.disconnect()
    await scope.dispose()
    dir.dispose()
  })

  it('writes decorator models from which generating against the database gives an empty migration', async () => {
    const { Todo, TodoList } = todoModels()
    const Tag = defineModel({
      name: 'tag_entry',
      properties: {
        code: { type: 'string', id: true, length: 20 },
        weight: { type: 'number', precision: 8, scale: 2, required: true },
        hits: { type: 'number', dataType: 'bigint', default: 7 },
        payload: { type: 'buffer' },
      },
    })
    const made = new DataSource({ ...scope.config, models: [Todo, TodoList, Tag] })
    open.push(made)
    await made.automigrate()
    // A hand-made table with a composite key joins in.
    await scope.raw(
      `CREATE TABLE ${scope.table('pairs')} (${scope.quote('a')} integer NOT NULL, ${scope.quote('b')} varchar(10) NOT NULL, ` +
        `${scope.quote('note')} text, PRIMARY KEY (${scope.quote('a')}, ${scope.quote('b')}))`,
    )

    const ds = new DataSource({ ...scope.config })
    open.push(ds)
    const out = join(dir.dir, 'models')
    const pulled = await pullModels(ds, { out, importFrom: pathToFileURL(SHIPSHAPE).href })
    expect(pulled.models.map((m) => m.name).sort()).toEqual(['Pairs', 'TagEntry', 'Todo', 'TodoList'])
    const todoFile = readFileSync(join(out, 'todo.model.ts'), 'utf8')
    expect(todoFile).toContain('@model(')
    expect(todoFile).toMatch(/@property\(\{ type: "number", id: true, generated: true \}\) id\?: number/)
    expect(todoFile).toContain('fk_todo_list')

    // Load the written files as an application would.
    const { tsImport } = await import('tsx/esm/api')
    const mod = (await tsImport(pathToFileURL(join(out, 'index.ts')).href, import.meta.url)) as { models: ModelClass[] }
    expect(mod.models).toHaveLength(4)
    const adopted = new DataSource({ ...scope.config, models: mod.models })
    open.push(adopted)
    const result = await generateMigration(adopted, 'adopt', { dir: dir.dir, fromDb: true })
    expect(result.plan.changes.map((c) => c.summary)).toEqual([])
    expect(result.files).toEqual([])
    expect(result.snapshotFile).toBeDefined()
    expect((await adopted.planAutoupdate()).changes).toEqual([])
    // The snapshot now holds the adopted schema: generating offline finds nothing either.
    expect((await generateMigration(adopted, 'offline', { dir: dir.dir })).files).toEqual([])
  })
})
