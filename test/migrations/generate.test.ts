import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  checkSchemaDrift,
  DataSource,
  defineModel,
  generateMigration,
  MigrationFileError,
  MigrationRunner,
  PlanRefusedError,
  readSnapshot,
  type ModelDefinition,
} from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { todoModels } from '../scenarios/models.js'
import { migrationsDir } from './support.js'

/** Version 2 of Todo: a new column with an index over existing rows. */
function todoV2() {
  const { Todo, TodoList } = todoModels()
  const def = Todo.definition as ModelDefinition
  const Todo2 = defineModel({
    name: 'Todo',
    properties: { ...def.properties, priority: { type: 'number', default: 0 } },
    settings: { ...def.settings, indexes: { ...def.settings.indexes, todo_priority_idx: { keys: { priority: 1 } } } },
  })
  return { Todo: Todo2, TodoList }
}

/** Version 3: `desc` removed (destructive). */
function todoV3() {
  const { Todo, TodoList } = todoV2()
  const def = Todo.definition as ModelDefinition
  const { desc: _desc, ...properties } = def.properties
  return { Todo: defineModel({ name: 'Todo', properties, settings: def.settings }), TodoList }
}

describe.each(backends)('generated migrations on $name', (backend) => {
  let scope: TestScope
  let files: ReturnType<typeof migrationsDir>
  const open: DataSource[] = []
  const dsWith = (models: { Todo: unknown; TodoList: unknown }) => {
    const ds = new DataSource({ ...scope.config, models: [models.Todo, models.TodoList] as never })
    open.push(ds)
    return ds
  }
  /** A datasource that must not connect: generation works from the snapshot alone. */
  const offline = (models: { Todo: unknown; TodoList: unknown }) => {
    const ds = dsWith(models)
    ds.connection = () => Promise.reject(new Error('generate must not connect'))
    return ds
  }
  const runnerFor = async () => MigrationRunner.forDataSource(dsWith(todoModels()), { dir: files.dir })

  beforeEach(async () => {
    scope = await backend.create()
    files = migrationsDir()
  })
  afterEach(async () => {
    for (const ds of open.splice(0)) await ds.disconnect()
    await scope.dispose()
    files.dispose()
  })

  it('generate → up → status → down → up round-trips leave the schema equal to the models', async () => {
    // 1. Initial migration, offline.
    const first = await generateMigration(offline(todoModels()), 'init', { dir: files.dir, now: new Date('2024-05-01T09:30:00Z') })
    const v1q = dsWith(todoModels()).dialect!
    expect(first.files.map((f) => f.name)).toEqual(['20240501093000_init'])
    const text = readFileSync(first.files[0]!.path, 'utf8')
    expect(text).toContain('export async function up(ctx: MigrationContext)')
    const q = (n: string) => v1q.quoteIdentifier(n).replace(/`/g, '\\`')
    expect(text).toContain(`CREATE TABLE ${v1q.capabilities.supportsSchemas && scope.config.schema ? q(String(scope.config.schema)) + '.' : ''}${q('TodoList')}`)
    expect(text).toContain(`DROP TABLE ${v1q.capabilities.supportsSchemas && scope.config.schema ? q(String(scope.config.schema)) + '.' : ''}${q('Todo')}`)
    const snap = readSnapshot(files.dir, first.plan.dialect)
    expect(snap.migration).toBe('20240501093000_init')
    expect(snap.schema.tables.map((t) => t.name).sort()).toEqual(['Todo', 'TodoList'])

    // Nothing changed since: nothing to generate.
    expect((await generateMigration(offline(todoModels()), 'again', { dir: files.dir })).files).toEqual([])

    const runner = await runnerFor()
    expect((await runner.up()).migrations).toEqual(['20240501093000_init'])
    const v1 = dsWith(todoModels())
    expect((await v1.planAutoupdate()).changes).toEqual([])
    expect((await checkSchemaDrift(v1)).isInSync).toBe(true)
    expect((await scope.catalog.columns('Todo')).map((c) => c.name)).toEqual([
      'id', 'title', 'desc', 'isComplete', 'estimate', 'createdAt', 'meta', 'todoListId',
    ])
    expect(await scope.catalog.indexes('Todo')).toEqual([{ name: 'todo_title_created_idx', columns: ['title', 'createdAt'], unique: false }])
    expect(await scope.catalog.foreignKeys('Todo')).toHaveLength(1)

    // 2. A column and an index over existing rows: on engines that build indexes concurrently,
    // the build gets its own file that runs outside a transaction.
    const second = await generateMigration(offline(todoV2()), 'add priority', { dir: files.dir })
    const concurrent = v1.dialect!.capabilities.supportsConcurrentIndex
    expect(second.files.map((f) => f.name.replace(/^\d+_/, ''))).toEqual(concurrent ? ['add_priority', 'add_priority_concurrently'] : ['add_priority'])
    if (concurrent) expect(readFileSync(second.files[1]!.path, 'utf8')).toContain('CREATE INDEX CONCURRENTLY')
    await scope.insert('TodoList', { title: 'home' })
    expect((await runner.up()).migrations).toEqual(second.files.map((f) => f.name))
    const v2 = dsWith(todoV2())
    expect((await v2.planAutoupdate()).changes).toEqual([])
    expect((await scope.catalog.indexes('Todo')).map((i) => i.name).sort()).toEqual(['todo_priority_idx', 'todo_title_created_idx'])
    expect((await runner.status()).every((e) => e.state === 'applied')).toBe(true)

    // Drift: a hand-made index shows in status' drift check, in the plan's vocabulary.
    await scope.raw(`CREATE INDEX ${scope.quote('by_hand')} ON ${scope.table('Todo')} (${scope.quote('estimate')})`)
    const drift = await checkSchemaDrift(v2)
    expect(drift.isInSync).toBe(false)
    expect(drift.drift.map((d) => [d.kind, d.name])).toEqual([['unmanaged-index', 'by_hand']])
    const dropHandMade = v2.dialect!.render(
      { kind: 'drop-index', table: { ...(v2.dialect!.capabilities.supportsSchemas && scope.config.schema ? { schema: String(scope.config.schema) } : {}), name: 'Todo' }, index: { name: 'by_hand', columns: [{ name: 'estimate', order: 'asc' }], isUnique: false, isOwned: false } },
      { current: { tables: [] } },
    )
    for (const s of dropHandMade) await scope.raw(s.sql)

    // 3. Down to v1 and up again.
    expect((await runner.down({ to: '20240501093000_init' })).migrations).toEqual(second.files.map((f) => f.name).reverse())
    expect((await v1.planAutoupdate()).changes).toEqual([])
    expect((await scope.catalog.columns('Todo')).map((c) => c.name)).not.toContain('priority')
    expect(await scope.rows('TodoList', 'id')).toHaveLength(1)
    await runner.up()
    expect((await v2.planAutoupdate()).changes).toEqual([])
    expect((await scope.catalog.columns('Todo')).map((c) => c.name)).toContain('priority')

    // All the way down and up.
    await runner.down({ steps: 10 })
    expect((await scope.catalog.tables()).filter((t) => !t.startsWith('sqlite_'))).toEqual(['shipshape_migrations'])
    await runner.up()
    expect((await v2.planAutoupdate()).changes).toEqual([])
  })

  it('refuses destructive changes unless allowed, marks them for the reviewer, and writes a down that throws', async () => {
    await generateMigration(offline(todoV2()), 'init', { dir: files.dir })
    const err = await generateMigration(offline(todoV3()), 'drop desc', { dir: files.dir }).catch((e) => e)
    expect(err).toBeInstanceOf(PlanRefusedError)
    expect(err.message).toContain('column "')
    expect(err.message).toContain('desc"')
    expect(err.message).toContain('--allow-data-loss')

    const third = await generateMigration(offline(todoV3()), 'drop desc', { dir: files.dir, allowDataLoss: true })
    expect(third.files).toHaveLength(1)
    const text = readFileSync(third.files[0]!.path, 'utf8')
    expect(text).toContain('!! This migration holds DESTRUCTIVE changes')
    expect(text).toContain('DESTRUCTIVE (written with --allow-data-loss)')
    expect(text).toContain(`throw new Error("Migration \\"${third.files[0]!.name}\\" can't be reverted`)
    expect(third.files[0]!.irreversible[0]).toMatch(/drops column ".*Todo\.desc" and its data/)

    const runner = await runnerFor()
    await runner.up()
    expect((await dsWith(todoV3()).planAutoupdate()).changes).toEqual([])
    const down = await runner.down().catch((e) => e)
    expect(down).toBeInstanceOf(MigrationFileError)
    expect(down.message).toContain(`Migration "${third.files[0]!.name}" (down) failed`)
    expect(down.message).toContain("can't be reverted")
    expect((await runner.status()).every((e) => e.state === 'applied')).toBe(true)
  })

  it('refuses a snapshot that does not describe the folder', async () => {
    files.write('20240101000000_by_hand.sql', 'SELECT 1;')
    const noSnapshot = await generateMigration(offline(todoModels()), 'init', { dir: files.dir }).catch((e) => e)
    expect(noSnapshot.code).toBe('INVALID_SNAPSHOT')
    expect(noSnapshot.message).toMatch(/holds 1 migration\(s\) but no snapshot\.\w+\.json/)
    files.dispose()
    const first = await generateMigration(offline(todoModels()), 'init', { dir: files.dir })
    const { rmSync } = await import('node:fs')
    rmSync(first.files[0]!.path)
    const stale = await generateMigration(offline(todoV2()), 'next', { dir: files.dir }).catch((e) => e)
    expect(stale.code).toBe('INVALID_SNAPSHOT')
    expect(stale.message).toContain(`written with migration "${first.files[0]!.name}", which is no longer in the folder`)
  })

  it('writes .sql and .mjs files that the runner applies, and --from-db diffs against the live database', async () => {
    const first = await generateMigration(offline(todoModels()), 'init', { dir: files.dir, format: 'sql' })
    const sql = readFileSync(first.files[0]!.path, 'utf8')
    expect(first.files[0]!.path.endsWith('.sql')).toBe(true)
    expect(sql).toMatch(/^-- up$/m)
    expect(sql).toMatch(/^-- down$/m)
    const second = await generateMigration(offline(todoV2()), 'priority', { dir: files.dir, format: 'js' })
    expect(second.files[0]!.path.endsWith('.mjs')).toBe(true)
    const runner = await runnerFor()
    await runner.up()
    expect((await dsWith(todoV2()).planAutoupdate()).changes).toEqual([])

    // From the live database: already in step, so nothing to write.
    const live = await generateMigration(dsWith(todoV2()), 'nothing', { dir: files.dir, fromDb: true })
    expect(live.files).toEqual([])
    await runner.down({ steps: 10 })
    const fromDb = await generateMigration(dsWith(todoModels()), 'recreate', { dir: files.dir, fromDb: true })
    expect(fromDb.plan.changes.filter((c) => c.change.kind === 'create-table')).toHaveLength(2)
  })
})
