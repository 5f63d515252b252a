import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import BetterSqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresBackend, type TestScope } from '../support/backends.js'

const run = promisify(execFile)
const EXAMPLE = resolve('examples/loopback-todo')
const COLUMNS = ['id', 'title', 'desc', 'isComplete', 'remindAtAddress', 'remindAtGeo', 'tag']

/**
 * loopback-next's examples/todo data layer, ported (see its README), compiled by the global
 * setup with LoopBack's compiler settings: experimentalDecorators, emitDecoratorMetadata, CommonJS.
 */
describe('examples/loopback-todo (the LoopBack port)', () => {
  beforeAll(() => {
    if (!existsSync(join(EXAMPLE, 'dist', 'migrate.js'))) throw new Error('examples/loopback-todo was not built by the global setup')
  })

  describe('npm run migrate on SQLite (the port points its datasource at ./data/db.sqlite)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-lb-todo-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const rows = () => {
      const db = new BetterSqlite(join(dir, 'data', 'db.sqlite'), { readonly: true })
      try {
        return {
          columns: db.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info('Todo') ORDER BY cid`).all(),
          todos: db.prepare(`SELECT id, title, isComplete FROM "Todo" ORDER BY id`).all(),
        }
      } finally {
        db.close()
      }
    }

    it('creates the Todo table and seeds once, however often it runs; --rebuild re-creates', async () => {
      mkdirSync(join(dir, 'data'))
      for (let i = 0; i < 2; i++) {
        const { stdout } = await run('node', [join(EXAMPLE, 'dist', 'migrate')], { cwd: dir })
        expect(stdout).toContain('Migrating schemas (alter existing schema)')
      }
      const { columns, todos } = rows()
      expect(columns).toEqual([
        { name: 'id', type: 'INTEGER', notnull: 1, pk: 1 },
        { name: 'title', type: 'TEXT', notnull: 1, pk: 0 },
        { name: 'desc', type: 'TEXT', notnull: 0, pk: 0 },
        { name: 'isComplete', type: 'BOOLEAN', notnull: 0, pk: 0 },
        { name: 'remindAtAddress', type: 'TEXT', notnull: 0, pk: 0 },
        { name: 'remindAtGeo', type: 'TEXT', notnull: 0, pk: 0 },
        { name: 'tag', type: 'JSON', notnull: 0, pk: 0 },
      ])
      expect(todos).toEqual([{ id: 1, title: 'welcome', isComplete: 0 }])
      const { stdout } = await run('node', [join(EXAMPLE, 'dist', 'migrate'), '--rebuild'], { cwd: dir })
      expect(stdout).toContain('Migrating schemas (drop existing schema)')
      expect(rows().todos).toEqual([{ id: 1, title: 'welcome', isComplete: 0 }])
    })
  })

  describe('on PostgreSQL, configured the LoopBack way (datasources.config.db bound before boot)', () => {
    let scope: TestScope
    beforeAll(async () => {
      scope = await postgresBackend.create()
    })
    afterAll(async () => scope?.dispose())

    it('migrates (as src/migrate.ts does), plans nothing the second time, and the catalog has the model', async () => {
      // The compiled CommonJS app, as `node dist/migrate` loads it.
      const { TodoListApplication } = createRequire(join(EXAMPLE, 'package.json'))('./dist/application.js')
      const migrate = async (existingSchema: 'alter' | 'drop') => {
        const app = new TodoListApplication()
        app.bind('datasources.config.db').to({ name: 'db', connector: 'postgresql', url: scope.config.url, schema: scope.config.schema })
        await app.boot()
        await app.migrateSchema({ existingSchema })
        await app.stop()
        return app.lastMigrationReports
      }
      const [first] = await migrate('alter')
      expect(first.result.plan.changes.map((c: { change: { kind: string } }) => c.change.kind)).toEqual(['create-table'])
      const [second] = await migrate('alter')
      expect(second.result.plan.changes).toEqual([])
      const columns = await scope.catalog.columns('Todo')
      expect(columns.map((c) => c.name)).toEqual(COLUMNS)
      expect(Object.fromEntries(columns.map((c) => [c.name, [c.type, c.nullable]]))).toMatchObject({
        id: ['integer', false],
        title: ['text', false],
        isComplete: ['boolean', true],
        tag: ['jsonb', true],
      })
      expect(await scope.catalog.primaryKey('Todo')).toEqual(['id'])
      expect(await scope.rows('Todo', 'id')).toMatchObject([{ id: 1, title: 'welcome', isComplete: false }])
      await migrate('drop')
      expect(await scope.rows('Todo', 'id')).toMatchObject([{ id: 1, title: 'welcome' }])
    })
  })
})
