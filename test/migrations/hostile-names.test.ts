import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel, generateMigration, MigrationRunner } from '../../src/index.js'
import { commentText, sqlLiteral, stringLiteral } from '../../src/migrations/file-text.js'
import { parseSqlMigration } from '../../src/migrations/files.js'
import { backends, type TestScope } from '../support/backends.js'
import { migrationsDir } from './support.js'

// Names a model author or anyone who can create an index might choose. Each would run code or
// SQL if a generated file wrote it raw into a comment or string: every marker must stay inert.
const HOSTILE = [
  'a\nglobalThis.PWNED=1//',
  'b\rglobalThis.PWNED=2//',
  'c\u2028globalThis.PWNED=3//',
  'd\u2029globalThis.PWNED=4//',
  'e*/globalThis.PWNED=5/*',
  'f`${globalThis.PWNED=6}`',
  'g\'"\\`;DROP TABLE victim;--',
  'h\nDROP TABLE victim;--',
  'k\n-- down\nDROP TABLE victim;',
  'l\r\nDROP TABLE victim;--',
]

/** The hostile names as columns with their own indexes, on a table whose name is hostile too. */
function hostileModel(extra: Record<string, unknown> = {}) {
  const properties: Record<string, unknown> = { id: { type: 'number', id: true, generated: true } }
  const indexes: Record<string, unknown> = {}
  HOSTILE.forEach((name, i) => {
    properties[name] = { type: 'string', length: 20 }
    indexes[`ix${i}${name}`] = { keys: { [name]: 1 } }
  })
  return defineModel({
    name: 'Hostile',
    properties: { ...properties, ...extra },
    settings: { table: 't\nglobalThis.PWNED=9//', indexes },
  } as never)
}

describe('generated file text', () => {
  it('keeps every terminator out of comments and every string exact', () => {
    for (const name of [...HOSTILE, 'n\u0000x', 'p\u0085q']) {
      const c = commentText(name)
      expect(c).not.toMatch(/[\n\r\u2028\u2029\u0000\u0085]/)
      expect(c).not.toContain('*/')
      expect(new Function(`return ${stringLiteral(name)}`)()).toBe(name)
      expect(new Function(`return ${sqlLiteral(name)}`)()).toBe(name)
    }
  })

  it('splits a .sql file only at marker lines outside quotes', () => {
    const text = `-- up\nCREATE TABLE "a\n-- down\nb" (x int);\nINSERT INTO t VALUES ('\r\n');\n-- down\nDROP TABLE "a\n-- down\nb";\n`
    expect(parseSqlMigration(text)).toEqual({
      up: [`CREATE TABLE "a\n-- down\nb" (x int)`, `INSERT INTO t VALUES ('\r\n')`],
      down: [`DROP TABLE "a\n-- down\nb"`],
    })
  })
})

describe.each(backends)('hostile names through generate → up → down on $name', (backend) => {
  let scope: TestScope
  let files: ReturnType<typeof migrationsDir>
  const open: DataSource[] = []
  const dsWith = (...models: unknown[]) => {
    const ds = new DataSource({ ...scope.config, models: models as never })
    open.push(ds)
    return ds
  }

  beforeEach(async () => {
    scope = await backend.create()
    files = migrationsDir()
    delete (globalThis as { PWNED?: unknown }).PWNED
    await scope.raw(`CREATE TABLE ${scope.table('victim')} (${scope.quote('x')} integer)`)
    await scope.raw(`INSERT INTO ${scope.table('victim')} VALUES (1)`)
  })
  afterEach(async () => {
    for (const ds of open.splice(0)) await ds.disconnect()
    await scope.dispose()
    files.dispose()
  })

  async function expectNothingElseHappened() {
    expect((globalThis as { PWNED?: unknown }).PWNED).toBeUndefined()
    expect(await scope.rows('victim', 'x')).toHaveLength(1)
  }

  it.each(['ts', 'sql', 'js'] as const)('from models and from the catalog, as .%s', async (format) => {
    const runner = await MigrationRunner.forDataSource(dsWith(hostileModel()), { dir: files.dir })
    const init = await generateMigration(dsWith(hostileModel()), 'init', { dir: files.dir, format })
    // In a module every name is escaped; in SQL, names keep their newlines only inside quotes.
    for (const f of init.files) if (format !== 'sql') expect(readFileSync(f.path, 'utf8')).not.toMatch(/[\r\u2028\u2029]/)
    await runner.up()
    await expectNothingElseHappened()
    // The names round-tripped exactly: the models and the database agree.
    expect((await dsWith(hostileModel()).planAutoupdate()).changes).toEqual([])

    // Hand-made indexes with hostile names: they reach the next file as drift notes.
    await scope.raw(`CREATE INDEX ${scope.quote("i\nglobalThis.PWNED=10//")} ON ${scope.table('t\nglobalThis.PWNED=9//')} (${scope.quote('id')})`)
    await scope.raw(`CREATE INDEX ${scope.quote('j\nDROP TABLE victim;--')} ON ${scope.table('t\nglobalThis.PWNED=9//')} (${scope.quote('id')})`)
    const v2 = () => hostileModel({ 'm\nglobalThis.PWNED=11//': { type: 'number' } })
    const next = await generateMigration(dsWith(v2()), 'more', { dir: files.dir, format, fromDb: true })
    expect(next.files.length).toBeGreaterThan(0)
    expect(readFileSync(next.files[0]!.path, 'utf8')).toContain('note:')
    await runner.up()
    await expectNothingElseHappened()
    expect((await dsWith(v2()).planAutoupdate()).changes).toEqual([])

    await runner.down({ steps: 10 })
    await expectNothingElseHappened()
    expect((await scope.catalog.tables()).filter((t) => !t.startsWith('sqlite_')).sort()).toEqual(['shipshape_migrations', 'victim'])
  })
})
