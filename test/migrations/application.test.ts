import { readdirSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Application, DataSource, defineModel, generateMigration, type ModelDefinition } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { todoModels } from '../scenarios/models.js'
import { migrationsDir } from './support.js'

describe.each(backends)('app.migrateSchema() with a migrations folder on $name', (backend) => {
  let scope: TestScope
  let files: ReturnType<typeof migrationsDir>
  let app: Application | undefined
  beforeEach(async () => {
    scope = await backend.create()
    files = migrationsDir()
  })
  afterEach(async () => {
    await app?.stop()
    app = undefined
    await scope.dispose()
    files.dispose()
  })

  const appWith = (models: unknown[], options: { checkModels?: boolean } = {}) => {
    const a = new Application({ projectRoot: files.dir, migrations: 'migrations', ...options })
    a.dataSource(new DataSource({ name: 'db', ...scope.config, models: models as never }))
    return a
  }

  it('applies pending files (once), gives migrations ctx.app, then checks the schema against the models', async () => {
    const { Todo, TodoList } = todoModels()
    const dir = `${files.dir}/migrations`
    await generateMigration(new DataSource({ ...scope.config, models: [Todo, TodoList] }), 'init', { dir })
    files.write('migrations/99990101000000_seed.mjs', `export async function up(ctx) {\n  if (!ctx.app || typeof ctx.app.getDataSource !== 'function') throw new Error('no ctx.app')\n}\n`)

    app = appWith([Todo, TodoList])
    // A dry run names the pending files and runs none of them.
    const dry = (await app.migrateSchema({ dryRun: true })) as Array<{ skipped: boolean; reason?: string }>
    expect(dry[0]!.reason).toMatch(/^dry run: 2 pending migration\(s\): \d+_init, 99990101000000_seed$/)
    expect(await scope.catalog.tables()).not.toContain('Todo')
    const reports = (await app.migrateSchema()) as Array<{ datasource: string; migrations?: { run: { migrations: string[] } } }>
    expect(reports[0]!.migrations!.run.migrations).toHaveLength(2)
    expect((await scope.catalog.columns('TodoList')).map((c) => c.name)).toEqual(['id', 'title'])
    const again = (await app.migrateSchema()) as typeof reports
    expect(again[0]!.migrations!.run.migrations).toEqual([])
    expect(readdirSync(dir).some((f) => f.endsWith('_init.ts'))).toBe(true)
    await app.stop()

    // Models that moved on without a migration: the check names what differs.
    const def = Todo.definition as ModelDefinition
    const Todo2 = defineModel({ name: 'Todo', properties: { ...def.properties, priority: { type: 'number' } }, settings: def.settings })
    app = appWith([Todo2, TodoList])
    await expect(app.migrateSchema()).rejects.toThrow(/still differs from the models:\n {2}- add column .*Todo\.priority/)
    await app.stop()
    app = appWith([Todo2, TodoList], { checkModels: false })
    await expect(app.migrateSchema()).resolves.toBeDefined()
    expect((await scope.catalog.columns('Todo')).map((c) => c.name)).not.toContain('priority')
  })
})
