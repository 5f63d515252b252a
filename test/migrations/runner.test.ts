import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, MigrationChangedError, MigrationFileError, MigrationRunner } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { migrationsDir } from './support.js'

describe.each(backends)('migration runner on $name', (backend) => {
  let scope: TestScope
  let ds: DataSource
  let files: ReturnType<typeof migrationsDir>
  let runner: MigrationRunner
  const tables = async () => (await scope.catalog.tables()).filter((t) => !t.startsWith('sqlite_')).sort()

  beforeEach(async () => {
    scope = await backend.create()
    files = migrationsDir()
    ds = new DataSource({ ...scope.config })
    runner = await MigrationRunner.forDataSource(ds, { dir: files.dir, lockTimeout: 20_000 })
  })
  afterEach(async () => {
    await ds?.disconnect()
    await scope.dispose()
    files.dispose()
  })

  const itemModule = () =>
    `export async function up(ctx) {\n` +
        `  await ctx.exec(${JSON.stringify(`CREATE TABLE ${scope.table('Item')} (${scope.quote('id')} integer PRIMARY KEY, ${scope.quote('listId')} integer)`)})\n` +
        `  const rows = await ctx.query('SELECT 1 AS one')\n` +
        `  if (Number(rows[0].one) !== 1) throw new Error('query returned ' + JSON.stringify(rows))\n` +
        `}\n` +
        `export async function down(ctx) { await ctx.exec(${JSON.stringify(`DROP TABLE ${scope.table('Item')}`)}) }\n`
  const writeBasics = () => {
    files.write(
      '20240101000000_create_list.sql',
      `-- up\nCREATE TABLE ${scope.table('List')} (${scope.quote('id')} integer PRIMARY KEY, ${scope.quote('title')} varchar(50) NOT NULL);\n` +
        `-- down\nDROP TABLE ${scope.table('List')};\n`,
    )
    files.write('20240102000000_add_item.mjs', itemModule())
    files.write(
      '20240103000000_add_done.ts',
      `import type { MigrationContext } from 'shipshape'\n` +
        `export async function up(ctx: MigrationContext): Promise<void> {\n` +
        `  await ctx.exec(${JSON.stringify(`ALTER TABLE ${scope.table('Item')} ADD COLUMN ${scope.quote('done')} boolean`)})\n}\n` +
        `export async function down(ctx: MigrationContext): Promise<void> {\n` +
        `  await ctx.exec(${JSON.stringify(`ALTER TABLE ${scope.table('Item')} DROP COLUMN ${scope.quote('done')}`)})\n}\n`,
    )
  }

  it('applies .sql, .mjs and .ts files in order, reports status, reverts and re-applies', async () => {
    writeBasics()
    expect((await runner.status()).map((e) => e.state)).toEqual(['pending', 'pending', 'pending'])

    const up = await runner.up({ to: '20240102000000_add_item' })
    expect(up.migrations).toEqual(['20240101000000_create_list', '20240102000000_add_item'])
    expect(await tables()).toEqual(['Item', 'List', 'shipshape_migrations'])
    expect((await scope.catalog.columns('Item')).map((c) => c.name)).toEqual(['id', 'listId'])

    expect((await runner.up()).migrations).toEqual(['20240103000000_add_done'])
    expect((await scope.catalog.columns('Item')).map((c) => c.name)).toEqual(['id', 'listId', 'done'])
    const status = await runner.status()
    expect(status.map((e) => e.state)).toEqual(['applied', 'applied', 'applied'])
    expect(status[0]!.applied).toMatchObject({ name: '20240101000000_create_list', checksum: status[0]!.checksum })
    expect(status[0]!.applied!.appliedBy).toMatch(/@/)
    expect(status[0]!.applied!.appliedAt).toBeInstanceOf(Date)
    const recorded = await scope.raw(`SELECT * FROM ${scope.table('shipshape_migrations')} ORDER BY ${scope.quote('name')}`)
    expect(recorded.map((r) => r.name)).toEqual(status.map((e) => e.name))
    expect(recorded.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && Number(r.duration_ms) >= 0)).toBe(true)

    // A second run finds nothing to do.
    expect((await runner.up()).migrations).toEqual([])

    expect((await runner.down()).migrations).toEqual(['20240103000000_add_done'])
    expect((await scope.catalog.columns('Item')).map((c) => c.name)).toEqual(['id', 'listId'])
    expect((await runner.down({ to: '20240101000000_create_list' })).migrations).toEqual(['20240102000000_add_item'])
    expect(await tables()).toEqual(['List', 'shipshape_migrations'])
    expect((await runner.down({ steps: 5 })).migrations).toEqual(['20240101000000_create_list'])
    expect(await tables()).toEqual(['shipshape_migrations'])
    expect((await runner.status()).map((e) => e.state)).toEqual(['pending', 'pending', 'pending'])

    expect((await runner.up()).migrations).toHaveLength(3)
    expect(await tables()).toEqual(['Item', 'List', 'shipshape_migrations'])
  })

  it('stops up on a file changed after it was applied, until repaired; status shows changed and missing', async () => {
    writeBasics()
    await runner.up()
    files.write(
      '20240101000000_create_list.sql',
      `-- up\nCREATE TABLE ${scope.table('List')} (${scope.quote('id')} integer PRIMARY KEY, ${scope.quote('title')} varchar(99) NOT NULL);\n`,
    )
    files.write('20240104000000_more.sql', `CREATE TABLE ${scope.table('More')} (${scope.quote('id')} integer);\n`)
    const states = Object.fromEntries((await runner.status()).map((e) => [e.name, e.state]))
    expect(states).toEqual({
      '20240101000000_create_list': 'changed',
      '20240102000000_add_item': 'applied',
      '20240103000000_add_done': 'applied',
      '20240104000000_more': 'pending',
    })
    const err = await runner.up().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationChangedError)
    expect(err.message).toContain('"20240101000000_create_list"')
    expect(err.message).toContain('migration repair')
    expect(await tables()).not.toContain('More')

    // Line endings alone don't count as a change.
    files.write('20240102000000_add_item.mjs', itemModule().replace(/\n/g, '\r\n'))
    expect((await runner.status()).find((e) => e.name === '20240102000000_add_item')!.state).toBe('applied')

    expect(await runner.repair()).toEqual(['20240101000000_create_list'])
    expect((await runner.up()).migrations).toEqual(['20240104000000_more'])
    expect(await tables()).toContain('More')

    files.dispose()
    const gone = await runner.status()
    expect(gone.map((e) => e.state)).toEqual(['missing', 'missing', 'missing', 'missing'])
    // Records of files that are gone stay until explicitly forgotten; the schema they made stays.
    expect(await runner.repair()).toEqual([])
    expect(await runner.repair({ forgetMissing: true })).toHaveLength(4)
    expect(await runner.status()).toEqual([])
    expect(await tables()).toContain('More')
  })

  it('a failing migration leaves the tracking table and the schema as they were, and names the file and statement', async () => {
    writeBasics()
    await runner.up()
    const before = await scope.raw(`SELECT ${scope.quote('name')}, ${scope.quote('checksum')} FROM ${scope.table('shipshape_migrations')} ORDER BY 1`)
    const stamp = await scope.schemaStamp()
    // Where DDL is transactional, earlier statements of the file are rolled back too; elsewhere
    // (MySQL) the failing statement is the file's first, so nothing of it has run.
    const transactional = ds.dialect!.capabilities.supportsTransactionalDdl
    files.write(
      '20240105000000_broken.sql',
      (transactional
        ? `CREATE TABLE ${scope.table('Half')} (${scope.quote('id')} integer);\n` +
          `ALTER TABLE ${scope.table('Item')} ADD COLUMN ${scope.quote('extra')} integer;\n`
        : '') + `ALTER TABLE ${scope.table('NoSuchTable')} ADD COLUMN ${scope.quote('x')} integer;\n`,
    )
    files.write('20240106000000_after.sql', `CREATE TABLE ${scope.table('After')} (${scope.quote('id')} integer);\n`)
    const err = await runner.up().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationFileError)
    expect(err.migration).toBe('20240105000000_broken')
    expect(err.direction).toBe('up')
    expect(err.message).toContain('Migration "20240105000000_broken" (up) failed')
    expect(err.message).toContain('NoSuchTable')
    expect(err.sql).toContain('NoSuchTable')
    expect(await scope.raw(`SELECT ${scope.quote('name')}, ${scope.quote('checksum')} FROM ${scope.table('shipshape_migrations')} ORDER BY 1`)).toEqual(before)
    expect(await scope.schemaStamp()).toBe(stamp)
    expect(await tables()).not.toContain('Half')
    expect(await tables()).not.toContain('After')
    expect((await scope.catalog.columns('Item')).map((c) => c.name)).toEqual(['id', 'listId', 'done'])
  })

  it('on engines without transactional DDL, names the statements of a failed file that already ran', async () => {
    if (ds.dialect!.capabilities.supportsTransactionalDdl) return
    files.write(
      '20240101000000_half.sql',
      `CREATE TABLE ${scope.table('Half')} (${scope.quote('id')} integer);\nALTER TABLE ${scope.table('Nope')} ADD COLUMN ${scope.quote('x')} integer;`,
    )
    const err = await runner.up().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationFileError)
    expect(err.message).toContain('1 statement(s) of it took effect and stay')
    expect(err.message).toMatch(/1\. CREATE TABLE .*Half/)
    expect(err.message).toContain('resumes at statement 2')
    expect((await runner.status()).map((e) => e.state)).toEqual(['partial'])
  })

  it('refuses a pending migration older than an applied one until allowed (a branch merged late)', async () => {
    files.write('20240101000000_a.sql', `CREATE TABLE ${scope.table('A')} (${scope.quote('id')} integer);`)
    files.write('20240103000000_c.sql', `CREATE TABLE ${scope.table('C')} (${scope.quote('id')} integer);`)
    await runner.up()
    files.write('20240102000000_b.sql', `CREATE TABLE ${scope.table('B')} (${scope.quote('id')} integer);`)
    expect((await runner.status()).map((e) => e.state)).toEqual(['applied', 'out-of-order', 'applied'])
    const err = await runner.up().catch((e) => e)
    expect(err.code).toBe('MIGRATION_OUT_OF_ORDER')
    expect(err.message).toContain('"20240102000000_b" sorts before "20240103000000_c", which is already applied')
    expect(await tables()).not.toContain('B')
    expect((await runner.up({ allowOutOfOrder: true })).migrations).toEqual(['20240102000000_b'])
    expect((await runner.status()).map((e) => e.state)).toEqual(['applied', 'applied', 'applied'])
  })

  it('keeps the migrations applied before a failing one in the same run', async () => {
    files.write('20240101000000_a.sql', `CREATE TABLE ${scope.table('A')} (${scope.quote('id')} integer);`)
    files.write('20240102000000_b.mjs', `export async function up() { throw new Error('boom in b') }`)
    const err = await runner.up().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationFileError)
    expect(err.message).toContain('Migration "20240102000000_b" (up) failed: boom in b')
    expect(err.completed).toEqual(['20240101000000_a'])
    expect((await runner.status()).map((e) => e.state)).toEqual(['applied', 'pending'])
    expect(await tables()).toContain('A')
  })

  it('baseline records migrations as applied without running them; down of a file without down fails clearly', async () => {
    files.write('20240101000000_a.sql', `CREATE TABLE ${scope.table('A')} (${scope.quote('id')} integer);`)
    files.write('20240102000000_b.sql', `CREATE TABLE ${scope.table('B')} (${scope.quote('id')} integer);`)
    expect(await runner.baseline('20240101000000_a')).toEqual(['20240101000000_a'])
    expect(await tables()).toEqual(['shipshape_migrations'])
    expect((await runner.up()).migrations).toEqual(['20240102000000_b'])
    expect(await tables()).toEqual(['B', 'shipshape_migrations'])
    const err = await runner.down().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationFileError)
    expect(err.message).toContain('Migration "20240102000000_b" has no down section')
    expect(await tables()).toContain('B')
  })

  it("keeps a body's own statements in one statement: a trigger's BEGIN … END, a PostgreSQL function's BEGIN ATOMIC … END", async () => {
    const t = scope.table('T')
    const id = scope.quote('id')
    const n = scope.quote('n')
    const isPostgres = ds.dialect!.sqlGrammar.hasAtomicBodies
    const fn = scope.table('next_n')
    const u = scope.table('U')
    files.write(
      '20240101000000_bodies.sql',
      `CREATE TABLE ${t} (${id} integer PRIMARY KEY, ${n} integer);\nCREATE TABLE ${u} (${id} integer PRIMARY KEY, ${n} integer);\n` +
        (isPostgres
          ? // Two statements and a CASE … END inside the body, and an 'end;' in a string.
            `CREATE FUNCTION ${fn}(x integer) RETURNS integer LANGUAGE sql BEGIN ATOMIC\n` +
            `  SELECT 1 WHERE 'end;' <> '';\n  SELECT CASE WHEN x > 0 THEN x + 1 ELSE 0 END;\nEND;\n` +
            `INSERT INTO ${u} VALUES (1, ${fn}(41));\n`
          : `CREATE TRIGGER ${scope.quote('t_copy')} AFTER INSERT ON ${t} FOR EACH ROW BEGIN\n` +
            `  INSERT INTO ${u} VALUES (NEW.${id}, NEW.${n} + 1);\n  UPDATE ${u} SET ${n} = ${n} * 1 WHERE 'end;' <> '';\nEND;\n` +
            `INSERT INTO ${t} VALUES (1, 41);\n`),
    )
    expect((await runner.up()).migrations).toEqual(['20240101000000_bodies'])
    const rows = await scope.raw(`SELECT ${n} AS n FROM ${u}`)
    expect(Number(rows[0]!.n)).toBe(42)
  })

  it('runs a concurrent index build outside the transaction and rebuilds an index a failed build left invalid', async () => {
    if (!ds.dialect!.capabilities.supportsConcurrentIndex) {
      // Engines without concurrent builds refuse the statement as a syntax error, in the transaction
      // like any other; only the dialect that has it runs it outside, recognised without a hand-made flag.
      const { isNonTransactionalSql } = await import('../../src/dialects/sql-text.js')
      const { postgresGrammar } = await import('../../src/dialects/postgres/sql-text.js')
      const sql = '/* x */ CREATE UNIQUE INDEX CONCURRENTLY "i" ON "t" ("a")'
      expect(isNonTransactionalSql(sql, ds.dialect!.sqlGrammar)).toBe(false)
      expect(isNonTransactionalSql(sql, postgresGrammar)).toBe(true)
      return
    }
    files.write(
      '20240101000000_table.sql',
      `CREATE TABLE ${scope.table('T')} (${scope.quote('id')} integer PRIMARY KEY, ${scope.quote('code')} text);\n` +
        `INSERT INTO ${scope.table('T')} VALUES (1, 'a'), (2, 'a');\n` +
        // Same file: the table part commits first, the concurrent build follows outside the transaction.
        `CREATE INDEX CONCURRENTLY "t_code_idx" ON ${scope.table('T')} ("code");\n`,
    )
    files.write('20240102000000_unique.sql', `-- up\nCREATE UNIQUE INDEX CONCURRENTLY "t_code_key" ON ${scope.table('T')} ("code");\n-- down\nDROP INDEX CONCURRENTLY ${scope.table('t_code_key')};\n`)
    const err = await runner.up().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationFileError)
    expect(err.migration).toBe('20240102000000_unique')
    expect(err.message).toContain('outside a transaction')
    expect((await scope.catalog.indexes('T')).map((i) => i.name).sort()).toEqual(['t_code_idx', 't_code_key'])
    const invalid = await scope.raw(
      `SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 't_code_key'`,
    )
    // PGlite's single-user engine may roll the failed build back entirely; a server leaves it invalid.
    if (invalid.length) expect(invalid[0]!.indisvalid).toBe(false)
    expect((await runner.status()).map((e) => e.state)).toEqual(['applied', 'pending'])

    await scope.raw(`DELETE FROM ${scope.table('T')} WHERE ${scope.quote('id')} = 2`)
    expect((await runner.up()).migrations).toEqual(['20240102000000_unique'])
    const valid = await scope.raw(
      `SELECT i.indisvalid, i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 't_code_key'`,
    )
    expect(valid).toEqual([{ indisvalid: true, indisunique: true }])
    expect((await runner.down()).migrations).toEqual(['20240102000000_unique'])
    expect((await scope.catalog.indexes('T')).map((i) => i.name)).toEqual(['t_code_idx'])
  })
})
