import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  Application,
  DataSource,
  DefaultCrudRepository,
  defineModel,
  type DataSourceConfig,
  type SchemaMigrationOptions,
} from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'

interface TodoData {
  id?: number
  title: string
  desc?: string
  isComplete?: boolean
  createdAt?: Date
}
const Todo = defineModel<TodoData>({
  name: 'Todo',
  properties: {
    id: { type: 'number', id: true, generated: true },
    title: { type: 'string', required: true },
    desc: { type: 'string' },
    isComplete: { type: 'boolean', default: false },
    createdAt: { type: 'date', defaultFn: 'now' },
  },
})
type TodoEntity = InstanceType<typeof Todo>

/** A repository class per datasource name, as an application declares them. */
function todoRepositoryFor(dataSourceName: string) {
  return class TodoRepository extends DefaultCrudRepository<TodoEntity, typeof Todo.prototype.id> {
    static dataSourceName = dataSourceName
    constructor(ds: DataSource) {
      super(Todo, ds)
    }
  }
}

const scopes: TestScope[] = []
const apps: Application[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop()
  for (const s of scopes.splice(0)) await s.dispose()
})

async function scopeOf(b: (typeof backends)[number]) {
  const s = await b.create()
  scopes.push(s)
  return s
}

describe('Application.migrateSchema', () => {
  it('migrates every migratable datasource and skips the memory one', async () => {
    const app = new Application()
    apps.push(app)
    const sqlScopes: Array<[string, TestScope]> = []
    for (const b of backends) {
      const s = await scopeOf(b)
      sqlScopes.push([b.name, s])
      app.dataSource(new DataSource({ ...s.config, name: `ds_${b.name}` }))
      app.repository(todoRepositoryFor(`ds_${b.name}`))
    }
    app.dataSource({ name: 'mem', connector: 'memory' })
    const MemRepo = todoRepositoryFor('mem')
    app.repository(MemRepo)

    const reports = (await app.migrateSchema())!
    expect(reports.map((r) => [r.datasource, r.skipped])).toEqual([...backends.map((b) => [`ds_${b.name}`, false]), ['mem', true]])
    expect(reports.at(-1)!.reason).toMatch(/does not support migration/)
    for (const r of reports.slice(0, -1)) expect(r.result!.plan.changes.map((c) => c.change.kind)).toEqual(['create-table'])
    for (const [, s] of sqlScopes) expect(await s.catalog.tables()).toContain('Todo')
    // The memory datasource still serves its repository.
    const mem = await app.getRepository(MemRepo)
    await mem.create({ title: 'in memory' })
    expect(await mem.count()).toEqual({ count: 1 })
    // A second run changes nothing.
    const again = (await app.migrateSchema())!
    expect(app.lastMigrationReports).toBe(again)
    for (const r of again.slice(0, -1)) expect(r.result!.plan.changes).toEqual([])
  })

  describe.each(backends)('on $name', (backend) => {
    it("existingSchema 'drop' loses data and 'alter' keeps it", async () => {
      const s = await scopeOf(backend)
      const Repo = todoRepositoryFor('db')
      const app = new Application().dataSource(new DataSource({ ...s.config, name: 'db' })).repository(Repo)
      apps.push(app)
      await app.migrateSchema({ existingSchema: 'drop' })
      const todos = await app.getRepository(Repo)
      await todos.createAll([{ title: 'a' }, { title: 'b' }])
      await app.migrateSchema({ existingSchema: 'alter' })
      expect(await todos.count()).toEqual({ count: 2 })
      await app.migrateSchema()
      expect((await todos.find({ order: 'title' })).map((t) => t.title)).toEqual(['a', 'b'])
      await app.migrateSchema({ existingSchema: 'drop' })
      expect(await todos.count()).toEqual({ count: 0 })
    })

    it('the seeding override, run three times, leaves exactly one welcome todo', async () => {
      const s = await scopeOf(backend)
      const TodoRepository = todoRepositoryFor('db')
      const config: DataSourceConfig = { ...s.config, name: 'db' }
      class TodoListApplication extends Application {
        constructor() {
          super()
          this.dataSource(new DataSource(config))
          this.repository(TodoRepository)
        }
        // The snippet of issue 3, as written (plus `override`, which this repository's tsconfig demands).
        override async migrateSchema(options?: SchemaMigrationOptions) {
          await super.migrateSchema(options);
          const todoRepo = await this.getRepository(TodoRepository);
          const found = await todoRepo.findOne({where: {title: 'welcome'}});
          if (found) await todoRepo.updateById(found.id, {isComplete: false});
          else await todoRepo.create({title: 'welcome', isComplete: false});
        }
      }
      for (let i = 0; i < 3; i++) {
        const app = new TodoListApplication()
        await app.migrateSchema()
        if (i === 1) await (await app.getRepository(TodoRepository)).updateAll({ isComplete: true })
        await app.stop()
      }
      const rows = await s.raw(`SELECT ${s.quote('title')}, ${s.quote('isComplete')} FROM ${s.table('Todo')}`)
      expect(rows.map((r) => r.title)).toEqual(['welcome'])
      expect([false, 0]).toContain(rows[0]!.isComplete)
    })
  })
})

describe('Application registry, boot and lifecycle', () => {
  it('starts observers in order and stops them in reverse', async () => {
    const log: string[] = []
    const app = new Application()
    for (const n of ['a', 'b', 'c'])
      app.lifeCycleObserver({ start: async () => void log.push(`start ${n}`), stop: async () => void log.push(`stop ${n}`) })
    await app.start()
    await app.stop()
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a'])
  })

  it('getRepository returns the registered instance and refuses unregistered classes', async () => {
    const Repo = todoRepositoryFor('mem')
    const app = new Application().repository(Repo).dataSource({ name: 'mem', connector: 'memory' })
    const a = await app.getRepository(Repo)
    expect(a).toBeInstanceOf(Repo)
    expect(await app.getRepository(Repo)).toBe(a)
    expect(app.getDataSource('mem').modelNames).toEqual(['Todo'])
    await expect(app.getRepository(todoRepositoryFor('mem'))).rejects.toMatchObject({ code: 'UNKNOWN_REPOSITORY' })
  })

  it('boot discovers datasources, models and repositories, with configurable folders and patterns', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shipshape-boot-'))
    const lib = JSON.stringify(resolve('dist/index.js'))
    try {
      mkdirSync(join(root, 'datasources'))
      mkdirSync(join(root, 'models'))
      mkdirSync(join(root, 'repos'))
      writeFileSync(join(root, 'datasources', 'db.datasource.js'),
        `import {DataSource} from ${lib}\nexport class DbDataSource extends DataSource { constructor() { super({name: 'db', connector: 'memory'}) } }\n`)
      writeFileSync(join(root, 'datasources', 'notes.txt'), 'not a datasource')
      writeFileSync(join(root, 'models', 'note.model.js'),
        `import {defineModel} from ${lib}\nexport const Note = defineModel({name: 'Note', properties: {id: {type: 'number', id: true, generated: true}, body: 'string'}})\n`)
      writeFileSync(join(root, 'repos', 'note.repo.js'),
        `import {DefaultCrudRepository} from ${lib}\nimport {Note} from '../models/note.model.js'\n` +
          `export class NoteRepository extends DefaultCrudRepository { static dataSourceName = 'db'; constructor(ds) { super(Note, ds) } }\n`)
      const app = new Application({ projectRoot: root, bootOptions: { repositories: { dirs: ['repos'], extensions: ['.repo.js'] } } })
      await app.boot()
      await app.boot()
      expect(app.dataSources().map((d) => d.name)).toEqual(['db'])
      expect(app.getModel('Note')).toBeDefined()
      const { NoteRepository } = await import(join(root, 'repos', 'note.repo.js'))
      const notes = await app.getRepository(NoteRepository as new (ds: DataSource) => DefaultCrudRepository<any, number>)
      await notes.create({ body: 'booted' })
      expect((await notes.find()).map((n) => n.body)).toEqual(['booted'])
      const [report] = (await app.migrateSchema())!
      expect(report).toMatchObject({ datasource: 'db', skipped: true })
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
