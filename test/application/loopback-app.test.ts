import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import BetterSqlite from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { Application, DataSource, DefaultCrudRepository, defineModel, normalizeDataSourceConfig } from '../../src/index.js'
import { backends } from '../support/backends.js'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')

describe('a LoopBack 4 application (legacy decorators, constructor injection)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-lb-app-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('constructs datasources and repositories from their @inject/@repository.getter parameters, bound config included', async () => {
    // Loaded by path: compiled with experimentalDecorators (vitest.config.ts), outside the TC39 type-check.
    const m = await import(join(FIXTURES, 'todo-list.legacy.ts'))
    const app = new Application()
    const file = join(dir, 'todo.db')
    app.bind('datasources.config.db').to({ name: 'db', connector: 'sqlite3', file })
    app.dataSource(m.DbDataSource)
    app.repository(m.TodoRepository)
    app.repository(m.TodoListRepository)
    expect(app.getDataSource('db').settings.connector).toBe('sqlite3')
    await app.migrateSchema()
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const lists: any = await app.getRepository(m.TodoListRepository)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const todos: any = await app.getRepository(m.TodoRepository)
    expect(await app.get('repositories.TodoRepository')).toBe(todos)
    const list = await lists.create({ title: 'home' })
    const todo = await lists.todos(list.id).create({ title: 'milk' })
    expect((await todos.todoList(todo.id)).title).toBe('home')
    expect((await lists.findByTitle('home')).id).toBe(list.id)
    const [found] = await lists.find({ include: ['todos'] })
    expect(JSON.parse(JSON.stringify(found))).toEqual({ id: list.id, title: 'home', todos: [{ id: todo.id, title: 'milk', isComplete: null, todoListId: list.id }] })
    await app.stop()
    // The tables are in the bound SQLite file, the foreign-key column typed like the id.
    const db = new BetterSqlite(file, { readonly: true })
    try {
      expect(db.prepare(`SELECT name, type FROM pragma_table_info('Todo') ORDER BY cid`).all()).toEqual([
        { name: 'id', type: 'INTEGER' },
        { name: 'title', type: 'TEXT' },
        { name: 'isComplete', type: 'BOOLEAN' },
        { name: 'todoListId', type: 'INTEGER' },
      ])
      expect(db.prepare(`SELECT count(*) AS n FROM pragma_foreign_key_list('Todo')`).get()).toEqual({ n: 0 })
    } finally {
      db.close()
    }
  })

  it('without a bound config the parameter default applies; a missing injection is named', async () => {
    const m = await import(join(FIXTURES, 'todo-list.legacy.ts'))
    const app = new Application()
    app.dataSource(m.DbDataSource)
    expect(app.getDataSource('db').settings.connector).toBe('memory')
    await expect(app.get('datasources.nope')).rejects.toMatchObject({ code: 'UNRESOLVED_INJECTION', message: expect.stringContaining('"datasources.nope"') })
    expect(await app.get('datasources.config.db', { optional: true })).toBeUndefined()
  })
})

describe('datasource configs as LoopBack writes them', () => {
  it('normalizes connector module names, text ports and username', () => {
    expect(normalizeDataSourceConfig({ name: 'db', connector: 'loopback-connector-postgresql', host: 'h', port: '5433', username: 'u', password: 'p', database: 'd' })).toEqual({
      name: 'db',
      connector: 'postgresql',
      host: 'h',
      port: 5433,
      username: 'u',
      user: 'u',
      password: 'p',
      database: 'd',
    })
    expect(normalizeDataSourceConfig({ connector: 'sqlite3', file: 'x.db' }, 'fallback')).toEqual({ name: 'fallback', connector: 'sqlite3', file: 'x.db' })
    expect(() => normalizeDataSourceConfig({ name: 'db', url: 'postgres://x' })).toThrow(/Datasource "db" has no connector/)
    expect(() => new DataSource({ name: 'db', connector: 'cloudant' })).toThrow(/Unknown connector "cloudant"/)
    class Db extends DataSource {
      static dataSourceName = 'main'
    }
    expect(new Db({ connector: 'memory' }).name).toBe('main')
  })

  it("warns that the memory connector doesn't persist to LoopBack's `file`", async () => {
    const warned = new Promise<Error>((ok) => process.once('warning', ok))
    const ds = new DataSource({ name: 'db', connector: 'memory', localStorage: '', file: './data/db.json' })
    await ds.connection()
    expect((await warned).message).toMatch(/Datasource "db": the memory connector keeps rows in this process only; "file" \(\.\/data\/db\.json\)/)
    await ds.disconnect()
  })

  it('boot registers datasources from *.datasource.config.json files, code files first', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shipshape-boot-json-'))
    const lib = JSON.stringify(resolve('dist/index.js'))
    try {
      mkdirSync(join(root, 'datasources'))
      mkdirSync(join(root, 'models'))
      mkdirSync(join(root, 'repositories'))
      writeFileSync(join(root, 'datasources', 'db.datasource.config.json'), JSON.stringify({ name: 'db', connector: 'sqlite3', file: join(root, 'app.db') }))
      writeFileSync(join(root, 'datasources', 'cache.datasource.json'), JSON.stringify({ connector: 'memory' }))
      // A code file for "other" wins over its config file.
      writeFileSync(join(root, 'datasources', 'other.datasource.config.json'), JSON.stringify({ name: 'other', connector: 'postgresql', url: 'postgres://nowhere' }))
      writeFileSync(join(root, 'datasources', 'other.datasource.js'),
        `import {DataSource} from ${lib}\nexport class OtherDataSource extends DataSource { static dataSourceName = 'other'; constructor() { super({connector: 'memory'}) } }\n`)
      writeFileSync(join(root, 'models', 'note.model.js'),
        `import {defineModel} from ${lib}\nexport const Note = defineModel({name: 'Note', properties: {id: {type: 'number', id: true, generated: true}, body: 'string'}})\n`)
      writeFileSync(join(root, 'repositories', 'note.repository.js'),
        `import {DefaultCrudRepository} from ${lib}\nimport {Note} from '../models/note.model.js'\n` +
          `export class NoteRepository extends DefaultCrudRepository { static dataSourceName = 'db'; constructor(ds) { super(Note, ds) } }\n`)
      writeFileSync(join(root, 'datasources', 'broken.datasource.config.json'), '{"name": ')
      const broken = new Application({ projectRoot: root })
      await expect(broken.boot()).rejects.toThrow(/broken\.datasource\.config\.json is not valid JSON/)
      rmSync(join(root, 'datasources', 'broken.datasource.config.json'))
      const app = new Application({ projectRoot: root })
      await app.boot()
      expect(app.dataSources().map((d) => [d.name, d.settings.connector]).sort()).toEqual([
        ['cache', 'memory'],
        ['db', 'sqlite3'],
        ['other', 'memory'],
      ])
      const reports = (await app.migrateSchema())!
      expect(reports.find((r) => r.datasource === 'db')).toMatchObject({ skipped: false })
      await app.stop()
      const db = new BetterSqlite(join(root, 'app.db'), { readonly: true })
      expect(db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'Note'`).all()).toEqual([{ name: 'Note' }])
      db.close()
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

const Loose = () =>
  defineModel({ name: 'Loose', properties: { id: { type: 'number', id: true, generated: true }, name: { type: 'string' } }, settings: { strict: false } })

describe.each([...backends.filter((b) => b.name !== 'pglite'), { name: 'memory', create: async () => ({ config: { connector: 'memory' }, dispose: async () => {} }) }])(
  'strict: false and execute() on $name',
  (target) => {
    it('accepts undefined properties: the memory connector keeps them, SQL back ends return them from create but store only columns', async () => {
      const scope = await target.create()
      const ds = new DataSource({ ...scope.config, name: 'db', models: [Loose()] })
      try {
        if (ds.supportsMigration) await ds.automigrate()
        const repo = new DefaultCrudRepository(ds.getModel('Loose') as ReturnType<typeof Loose>, ds)
        const made = await repo.create({ name: 'a', extra: 1, nested: { x: [1] } } as never)
        expect(made.toJSON()).toEqual({ id: made.id, name: 'a', extra: 1, nested: { x: [1] } })
        await repo.updateById(made.id, { more: true } as never)
        const back = await repo.findById(made.id)
        if (ds.supportsMigration) expect(back.toJSON()).toEqual({ id: made.id, name: 'a' })
        else expect(back.toJSON()).toEqual({ id: made.id, name: 'a', extra: 1, nested: { x: [1] }, more: true })
        // A strict model still refuses them.
        const strict = new DefaultCrudRepository(defineModel({ name: 'Tight', properties: { id: { type: 'number', id: true, generated: true } } }), ds)
        await expect(strict.create({ extra: 1 } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })

        if (!ds.supportsMigration) {
          await expect(repo.execute('SELECT 1')).rejects.toMatchObject({ code: 'SQL_UNSUPPORTED' })
          return
        }
        const q = (n: string) => ds.dialect!.quoteIdentifier(n)
        const table = (scope as unknown as { table(n: string): string }).table('Loose')
        const ph = ds.dialect!.dml.placeholder === 'dollar' ? '$1' : '?'
        const rows = await repo.execute<{ name: string }>(`SELECT ${q('name')} FROM ${table} WHERE ${q('id')} = ${ph}`, [made.id])
        expect(rows).toEqual([{ name: 'a' }])
        await ds.transaction(async (tx) => {
          await repo.execute(`UPDATE ${table} SET ${q('name')} = ${ph}`, ['b'], { transaction: tx })
          expect((await repo.findById(made.id, undefined, { transaction: tx })).name).toBe('b')
        })
      } finally {
        await ds.disconnect()
        await scope.dispose()
      }
    })
  },
)
