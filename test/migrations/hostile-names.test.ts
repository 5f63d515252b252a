import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel, generateMigration, MigrationRunner, ModelDefinitionError } from '../../src/index.js'
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

  it('a NUL in a name is a model error (no engine keeps one), before any file or SQL', async () => {
    const M = defineModel({ name: 'Nul', properties: { id: { type: 'number', id: true }, 'n\u0000globalThis.PWNED=12//': { type: 'string' } } })
    await expect(generateMigration(dsWith(M), 'nul', { dir: files.dir })).rejects.toThrow(/Model "Nul" property .*holds a NUL character/)
    await expect(dsWith(M).autoupdate()).rejects.toBeInstanceOf(ModelDefinitionError)
    await expectNothingElseHappened()
  })

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

// The attack as the issue found it, through the CLI: whoever can create an index chooses a name
// that `migration generate --from-db` writes into the next file, and `migration up` runs that file.
describe('a hostile hand-made index through the CLI (sqlite)', () => {
  it.each(['ts', 'sql'] as const)('generate --from-db then up prints nothing and runs nothing (.%s)', async (format) => {
    const { spawnSync } = await import('node:child_process')
    const { existsSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join, resolve } = await import('node:path')
    const { pathToFileURL } = await import('node:url')
    const BetterSqlite = (await import('better-sqlite3')).default
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-hostile-'))
    const cli = (...args: string[]) => spawnSync(process.execPath, [resolve('dist/cli/main.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    const config = (extra: string) =>
      writeFileSync(
        join(dir, 'shipshape.config.mjs'),
        `import { defineModel } from ${JSON.stringify(pathToFileURL(resolve('dist/index.js')).href)}
const Todo = defineModel({ name: 'Todo', properties: { id: { type: 'number', id: true }, title: { type: 'string' }${extra} } })
export default { datasources: [{ name: 'db', connector: 'sqlite', file: 'app.db' }], models: [Todo] }\n`,
      )
    try {
      config('')
      expect(cli('migration', 'generate', 'init', '--format', format).status).toBe(0)
      expect(cli('migration', 'up').status).toBe(0)
      const db = new BetterSqlite(join(dir, 'app.db'))
      db.exec(`CREATE TABLE victim (x integer); INSERT INTO victim VALUES (1)`)
      db.exec(`CREATE INDEX "i\nprocess.stdout.write('PWNED');import('node:fs').then((f) => f.writeFileSync('PWNED', ''))//" ON "Todo" ("title")`)
      db.exec(`CREATE INDEX "j\nDROP TABLE victim;--" ON "Todo" ("id")`)
      db.close()
      config(`, done: { type: 'boolean' }`)
      const gen = cli('migration', 'generate', 'more', '--from-db', '--format', format)
      expect(gen.status).toBe(0)
      const up = cli('migration', 'up')
      expect(up.status).toBe(0)
      expect(up.stdout + up.stderr + gen.stdout).not.toContain('PWNED')
      expect(existsSync(join(dir, 'PWNED'))).toBe(false)
      const check = new BetterSqlite(join(dir, 'app.db'), { readonly: true })
      expect(check.prepare('SELECT count(*) AS n FROM victim').get()).toEqual({ n: 1 })
      expect((check.prepare(`SELECT name FROM pragma_table_info('Todo')`).all() as Array<{ name: string }>).map((c) => c.name)).toContain('done')
      check.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('reading statements whose names hold comment markers', () => {
  it('a quoted name with -- or /* is not a comment', async () => {
    const { isNonTransactionalSql, stripComments } = await import('../../src/dialects/sql-text.js')
    const { concurrentIndexTarget, postgresGrammar } = await import('../../src/dialects/postgres/sql-text.js')
    const sql = `CREATE INDEX CONCURRENTLY "h\nDROP TABLE victim;--" ON "s"."t /* x" ("a") -- real comment`
    expect(isNonTransactionalSql(sql, postgresGrammar)).toBe(true)
    expect(concurrentIndexTarget(sql)).toEqual({ index: 'h\nDROP TABLE victim;--', table: { schema: 's', name: 't /* x' } })
    expect(stripComments(`SELECT '--' /* c */ , $q$ -- $q$ -- end`, postgresGrammar)).toBe(`SELECT '--'   , $q$ -- $q$  `)
  })
})
