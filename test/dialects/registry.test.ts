import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel, getConnector, getDialect, registerConnector, registerDialect, registeredDialects, sqliteDialect } from '../../src/index.js'
import { sqliteBackend, type TestScope } from '../support/backends.js'
import { connectorOfUrl } from '../../src/cli/env-config.js'
import { targetFromUrl } from '../../src/fleet/targets.js'
import { litestoreDialect, litestoreStatements } from '../support/litestore-dialect.js'

const Note = defineModel<{ id?: number; body?: string; tag?: string }>({
  name: 'Note',
  properties: {
    id: { type: 'number', id: true, generated: true },
    // Each dialect reads only its own key: the variant's, not SQLite's.
    body: { type: 'string', sqlite: { columnName: 'sqlite_body' }, litestore: { columnName: 'note_text' } },
    tag: { type: 'string', litestore: { dataType: 'VARCHAR(16)' } },
  },
  settings: { litestore: { table: 'notes' }, indexes: { note_tag: { keys: { tag: 1 } } } },
})

describe('a dialect registered from outside src/', () => {
  let scope: TestScope
  let ds: DataSource
  beforeEach(async () => {
    scope = await sqliteBackend.create()
    ds = new DataSource({ ...scope.config, connector: 'litestore', models: [Note] })
  })
  afterEach(async () => {
    await ds.disconnect()
    await scope.dispose()
  })

  it('is found by name, and its connector migrates a real SQLite file by the variant’s own settings', async () => {
    expect(getDialect('litestore')).toBe(litestoreDialect)
    expect(registeredDialects().map((d) => d.name)).toEqual(expect.arrayContaining(['postgres', 'sqlite', 'mysql', 'litestore']))
    expect(ds.dialect).toBe(litestoreDialect)

    const r = await ds.autoupdate()
    expect(r.plan.dialect).toBe('litestore')
    expect(r.plan.changes.flatMap((c) => c.statements.map((s) => s.sql))).toEqual([
      'CREATE TABLE "notes" /*shipshape*/ (\n  "id" INTEGER PRIMARY KEY AUTOINCREMENT,\n  "note_text" TEXT,\n  "tag" VARCHAR(16)\n)',
      'CREATE INDEX "note_tag" /*shipshape*/ ON "notes" ("tag")',
    ])
    expect(await scope.catalog.tables()).toEqual(['notes'])
    expect(await scope.catalog.columns('notes')).toMatchObject([
      { name: 'id', type: 'integer' },
      { name: 'note_text', type: 'text' },
      { name: 'tag', type: 'varchar(16)' },
    ])
    expect(await scope.catalog.indexes('notes')).toEqual([{ name: 'note_tag', unique: false, columns: ['tag'] }])
    // Idempotent: introspected through the variant, the file matches the models.
    expect((await ds.planAutoupdate()).changes).toEqual([])
  })

  it('serves repositories through its own DML adapter (8 parameters a statement: 4 rows of 2 values an INSERT)', async () => {
    await ds.autoupdate()
    const notes = new DefaultCrudRepository(Note, ds)
    const made = await notes.createAll(Array.from({ length: 7 }, (_, i) => ({ body: `n${i}`, tag: i % 2 ? 'odd' : 'even' })))
    expect(made.map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(litestoreStatements().filter((s) => s.startsWith('INSERT'))).toHaveLength(2)
    expect(await scope.rows('notes', 'id')).toHaveLength(7)
    expect((await scope.rows('notes', 'id'))[6]).toEqual({ id: 7, note_text: 'n6', tag: 'even' })
    expect((await notes.find({ where: { tag: 'odd' }, order: ['id DESC'] })).map((n) => n.body)).toEqual(['n5', 'n3', 'n1'])
  })
})

describe('the dialect registry', () => {
  it('takes a registered connector\'s name as a URL scheme, and still refuses unknown ones', () => {
    expect(connectorOfUrl('litestore:notes.db')).toBe('litestore')
    expect(targetFromUrl('litestore://host/db').connector).toBe('litestore')
    expect(() => connectorOfUrl('nosuch://x')).toThrow(/DATABASE_URL must start with/)
    expect(() => targetFromUrl('nosuch://x')).toThrow(/unknown scheme "nosuch:"/)
  })

  it('registers a connector\'s dialect with it, under the same checks', () => {
    const sqlite = getConnector('sqlite')
    const quiet = { ...sqliteDialect, name: 'quiet-sqlite', settingsKey: 'quietSqlite' }
    registerConnector('quiet-sqlite', { ...sqlite, dialect: quiet })
    expect(getDialect('quiet-sqlite')).toBe(quiet)
    expect(() => registerConnector('loud-sqlite', { ...sqlite, dialect: { ...quiet, settingsKey: 'loud' } })).toThrow(/registered already with settingsKey "quietSqlite"/)
    expect(() => getConnector('loud-sqlite')).toThrow(/Unknown connector "loud-sqlite"/)
  })

  it('refuses an unknown name, naming the known ones', () => {
    expect(() => getDialect('nosuch')).toThrow(/Unknown dialect "nosuch". Known: postgres, sqlite, mysql/)
  })

  it('refuses a variant that reuses a name with another settings key, and keys models use for themselves', () => {
    expect(() => registerDialect({ ...sqliteDialect, settingsKey: 'other' })).toThrow(/registered already with settingsKey "sqlite"/)
    expect(() => registerDialect({ ...sqliteDialect, name: 'tabled', settingsKey: 'table' })).toThrow(/settingsKey "table"/)
    expect(() => registerDialect({ ...sqliteDialect, name: 'Bad Name' })).toThrow(/lower-case letters/)
    expect(getDialect('sqlite')).toBe(sqliteDialect)
  })
})
