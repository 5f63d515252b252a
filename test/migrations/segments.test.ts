import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, MigrationFileError, MigrationRunner } from '../../src/index.js'
import { backends, type TestScope } from '../support/backends.js'
import { resolve } from 'node:path'
import { migrateInChild } from '../scenarios/processes.js'
import { migrationsDir } from './support.js'

const CHILD = resolve('test/support/migration-child.mjs')

// A migration mixing statements a transaction can hold with ones it can't runs as recorded
// segments: a failure says what took effect, status shows it partial, a rerun resumes.
describe.each(backends)('a migration that fails part-way on $name', (backend) => {
  let scope: TestScope
  let ds: DataSource
  let files: ReturnType<typeof migrationsDir>
  let runner: MigrationRunner
  const tables = async () => (await scope.catalog.tables()).filter((t) => !t.startsWith('sqlite_')).sort()
  const NAME = '20240101000000_mixed'

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

  const t = (n: string) => scope.table(n)
  const c = (n: string) => scope.quote(n)
  // Statement 3 commits by itself: outside the transaction on PostgreSQL, as all DDL does on MySQL.
  const index = () =>
    ds.dialect!.capabilities.supportsConcurrentIndex
      ? `CREATE INDEX CONCURRENTLY ${c('t_code_idx')} ON ${t('T')} (${c('code')})`
      : `CREATE INDEX ${c('t_code_idx')} ON ${t('T')} (${c('code')})`
  const sqlFile = (fourth: string) =>
    `-- up\nCREATE TABLE ${t('T')} (${c('id')} integer PRIMARY KEY, ${c('code')} varchar(20));\n` +
    `INSERT INTO ${t('T')} VALUES (1, 'a'), (2, 'b');\n` +
    `${index()};\n` +
    `${fourth};\n` +
    `CREATE TABLE ${t('After')} (${c('id')} integer);\n` +
    `-- down\nDROP TABLE ${t('After')};\nDROP TABLE ${t('T')};\n`
  // Where the whole file shares one transaction (SQLite), a failure leaves nothing behind.
  const segmented = () => !ds.dialect!.capabilities.supportsTransactionalDdl || ds.dialect!.capabilities.supportsConcurrentIndex

  it('.sql: the error names what took effect, status shows it partial, and a rerun after the fix resumes', async () => {
    files.write(`${NAME}.sql`, sqlFile(`INSERT INTO ${t('NoSuch')} VALUES (1)`))
    const err = await runner.up().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationFileError)
    expect(err.message).toContain(`Migration "${NAME}" (up) failed`)
    expect(err.message).toContain('SQL (statement 4)')
    if (segmented()) {
      expect(err.message).toContain('3 statement(s) of it took effect and stay')
      expect(err.message).toMatch(/1\. CREATE TABLE .*T.*\n\s+2\. INSERT INTO .*\n\s+3\. CREATE INDEX/)
      expect(err.message).toContain('resumes at statement 4')
      const [entry] = await runner.status()
      expect(entry!.state).toBe('partial')
      expect(entry!.applied!.partial!.statements).toBe(3)
      expect(await tables()).toEqual(['T', 'shipshape_migrations'])
      expect((await scope.catalog.indexes('T')).map((i) => i.name)).toEqual(['t_code_idx'])
      // Nothing after the partial one may be reverted or jump ahead of it.
      const down = await runner.down().catch((e) => e)
      expect(down.code).toBe('MIGRATION_PARTIAL')
    } else {
      expect(err.message).toContain('Nothing of it took effect')
      expect((await runner.status()).map((e) => e.state)).toEqual(['pending'])
      expect(await tables()).toEqual(['shipshape_migrations'])
    }

    // Fix the failing statement only: the rerun starts there, without "already exists".
    files.write(`${NAME}.sql`, sqlFile(`INSERT INTO ${t('T')} VALUES (3, 'c')`))
    expect((await runner.up()).migrations).toEqual([NAME])
    expect((await runner.status()).map((e) => e.state)).toEqual(['applied'])
    expect(await tables()).toEqual(['After', 'T', 'shipshape_migrations'])
    expect((await scope.rows('T', 'id')).map((r) => r.code)).toEqual(['a', 'b', 'c'])
    expect((await runner.down()).migrations).toEqual([NAME])
    expect(await tables()).toEqual(['shipshape_migrations'])
  })

  it('.ts: a rerun replays reads, skips what took effect and refuses when that part was edited', async () => {
    if (!segmented()) return
    const module = (fourth: string, first = `(1, 'a'), (2, 'b')`) =>
      `import type { MigrationContext } from 'shipshape'\n` +
      `export async function up(ctx: MigrationContext): Promise<void> {\n` +
      `  await ctx.exec(${JSON.stringify(`CREATE TABLE ${t('T')} (${c('id')} integer PRIMARY KEY, ${c('code')} varchar(20))`)})\n` +
      `  await ctx.exec(${JSON.stringify(`INSERT INTO ${t('T')} VALUES ${first}`)})\n` +
      `  const rows = await ctx.query<{ n: unknown }>(${JSON.stringify(`SELECT COUNT(*) AS ${c('n')} FROM ${t('T')}`)})\n` +
      `  if (Number(rows[0]!.n) !== 2) throw new Error('count ' + JSON.stringify(rows))\n` +
      `  await ctx.exec(${JSON.stringify(index())})\n` +
      `  await ctx.exec(${JSON.stringify(fourth)})\n` +
      `}\n`
    files.write(`${NAME}.ts`, module(`INSERT INTO ${t('NoSuch')} VALUES (1)`))
    const err = await runner.up().catch((e) => e)
    expect(err.message).toContain('4 statement(s) of it took effect')
    expect(err.message).toContain('resumes at statement 5')
    expect((await runner.status())[0]!.applied!.partial!.statements).toBe(4)

    // Editing a statement that already took effect: resuming would skip the wrong ones.
    files.write(`${NAME}.ts`, module(`INSERT INTO ${t('T')} VALUES (3, 'c')`, `(1, 'x'), (2, 'y')`))
    const edited = await runner.up().catch((e) => e)
    expect(edited).toBeInstanceOf(MigrationFileError)
    expect(edited.message).toContain('are not those any more')
    expect(await tables()).toEqual(['T', 'shipshape_migrations'])

    files.write(`${NAME}.ts`, module(`INSERT INTO ${t('T')} VALUES (3, 'c')`))
    expect((await runner.up()).migrations).toEqual([NAME])
    expect((await scope.rows('T', 'id')).map((r) => r.code)).toEqual(['a', 'b', 'c'])
    expect((await runner.status()).map((e) => e.state)).toEqual(['applied'])
  })

  it('repair --forget-partial drops the record of a partial migration reverted by hand', async () => {
    if (!segmented()) return
    files.write(`${NAME}.sql`, sqlFile(`INSERT INTO ${t('NoSuch')} VALUES (1)`))
    await runner.up().catch(() => {})
    expect(await runner.repair()).toEqual([])
    expect((await runner.status()).map((e) => e.state)).toEqual(['partial'])
    await scope.raw(`DROP TABLE ${t('T')}`)
    expect(await runner.repair({ forgetPartial: true })).toEqual([NAME])
    expect((await runner.status()).map((e) => e.state)).toEqual(['pending'])
    files.write(`${NAME}.sql`, sqlFile(`INSERT INTO ${t('T')} VALUES (3, 'c')`))
    expect((await runner.up()).migrations).toEqual([NAME])
    expect((await scope.rows('T', 'id')).map((r) => r.code)).toEqual(['a', 'b', 'c'])
  })

  it('a down() failing part-way is recorded as reverting; up refuses, and the fixed down resumes', async () => {
    if (!segmented()) return
    const pg = ds.dialect!.capabilities.supportsConcurrentIndex
    const dropIndex = pg ? `DROP INDEX CONCURRENTLY ${t('a_code_idx')}` : `DROP INDEX ${c('a_code_idx')} ON ${t('A')}`
    const file = (middle: string) =>
      `-- up\nCREATE TABLE ${t('A')} (${c('id')} integer, ${c('code')} varchar(20));\n` +
      `CREATE INDEX ${pg ? 'CONCURRENTLY ' : ''}${c('a_code_idx')} ON ${t('A')} (${c('code')});\n` +
      `-- down\n${dropIndex};\n${middle};\nDROP TABLE ${t('A')};\n`
    files.write(`${NAME}.sql`, file(`DROP TABLE ${t('NoSuch')}`))
    await runner.up()
    const err = await runner.down().catch((e) => e)
    expect(err).toBeInstanceOf(MigrationFileError)
    expect(err.message).toContain('1 statement(s) of it took effect and stay')
    expect(err.message).toContain('status: reverting')
    expect(err.message).toContain('run `migration down` again: it resumes at statement 2')
    expect((await runner.status()).map((e) => [e.state, e.applied?.reverting?.statements])).toEqual([['reverting', 1]])
    expect((await scope.catalog.indexes('A')).map((i) => i.name)).toEqual([])
    const up = await runner.up().catch((e) => e)
    expect(up.code).toBe('MIGRATION_PARTIAL')

    files.write(`${NAME}.sql`, file(`SELECT 1`))
    expect((await runner.down()).migrations).toEqual([NAME])
    expect(await runner.status()).toEqual([expect.objectContaining({ state: 'pending' })])
    expect(await tables()).toEqual(['shipshape_migrations'])
  })

  it('repair --forget-partial makes a partly reverted migration applied again, once restored by hand', async () => {
    if (!segmented()) return
    const pg = ds.dialect!.capabilities.supportsConcurrentIndex
    files.write(
      `${NAME}.sql`,
      `-- up\nCREATE TABLE ${t('A')} (${c('id')} integer, ${c('code')} varchar(20));\nCREATE INDEX ${c('a_code_idx')} ON ${t('A')} (${c('code')});\n` +
        `-- down\n${pg ? `DROP INDEX CONCURRENTLY ${t('a_code_idx')}` : `DROP INDEX ${c('a_code_idx')} ON ${t('A')}`};\nDROP TABLE ${t('NoSuch')};\n`,
    )
    await runner.up()
    await runner.down().catch(() => {})
    expect((await runner.status()).map((e) => e.state)).toEqual(['reverting'])
    await scope.raw(`CREATE INDEX ${c('a_code_idx')} ON ${t('A')} (${c('code')})`)
    expect(await runner.repair({ forgetPartial: true })).toEqual([NAME])
    expect((await runner.status()).map((e) => e.state)).toEqual(['applied'])
    expect((await runner.up()).migrations).toEqual([])
  })

  it('a tracking table from before these columns is read as it is, and given them by the next up', async () => {
    const create = (n: string) => `-- up\nCREATE TABLE ${t(n)} (${c('id')} integer);\n-- down\nDROP TABLE ${t(n)};\n`
    files.write('20240101000000_a.sql', create('A'))
    await runner.up()
    const history = t('shipshape_migrations')
    for (const col of ['state', 'statements_done', 'done_checksum', 'sequence']) await scope.raw(`ALTER TABLE ${history} DROP COLUMN ${c(col)}`)
    expect((await scope.catalog.columns('shipshape_migrations')).map((x) => x.name)).toEqual(['name', 'checksum', 'applied_at', 'duration_ms', 'applied_by'])
    await scope.raw(`UPDATE ${history} SET ${c('duration_ms')} = 7`)
    // What `baseline` recorded then: duration 0 and nothing else.
    const base = files.write('20231201000000_base.sql', create('Base'))
    const { migrationChecksum } = await import('../../src/migrations/checksum.js')
    const { readFileSync } = await import('node:fs')
    await scope.raw(
      `INSERT INTO ${history} (${['name', 'checksum', 'applied_at', 'duration_ms', 'applied_by'].map(c).join(', ')}) ` +
        `VALUES ('20231201000000_base', '${migrationChecksum(readFileSync(base, 'utf8'))}', '2023-12-01 00:00:00', 0, 'x@y')`,
    )
    expect((await runner.status()).map((e) => [e.state, !!e.applied?.isBaselined])).toEqual([['applied', true], ['applied', false]])

    files.write('20240102000000_b.sql', create('B'))
    expect((await runner.up()).migrations).toEqual(['20240102000000_b'])
    expect((await scope.catalog.columns('shipshape_migrations')).map((x) => x.name)).toContain('sequence')
    // Records without a sequence count as applied before those that have one, by time.
    expect((await runner.down()).migrations).toEqual(['20240102000000_b'])
    expect((await runner.down()).migrations).toEqual(['20240101000000_a'])
    expect((await runner.down().catch((e) => e)).code).toBe('MIGRATION_BASELINED')
    expect(await tables()).toEqual(['shipshape_migrations'])
  })

  // A kill between segments: the record says what took effect, and a rerun finishes the file.
  // (SQLite runs the whole file in one transaction: a kill there is covered by scenarios/fault.)
  if (backend.multiProcess && backend.dialect !== 'sqlite')
    it('killed between segments, the record is exactly what took effect and a rerun converges', async () => {
      files.write(`${NAME}.sql`, sqlFile(`INSERT INTO ${t('T')} VALUES (3, 'c')`))
      const env = { CHILD_DIR: files.dir }
      const killed = await migrateInChild(scope.config, { ...env, CHILD_KILL_BEFORE: 'CREATE TABLE .*After' }, CHILD)
      expect({ signal: killed.signal, result: killed.result, stderr: killed.stderr }).toEqual({ signal: 'SIGKILL', result: undefined, stderr: '' })
      expect((await runner.status()).map((e) => [e.state, e.applied?.partial?.statements])).toEqual([['partial', 4]])
      expect(await tables()).toEqual(['T', 'shipshape_migrations'])
      const rerun = await migrateInChild(scope.config, env, CHILD)
      expect(rerun.result).toEqual({ migrations: [NAME] })
      expect((await runner.status()).map((e) => e.state)).toEqual(['applied'])
      expect(await tables()).toEqual(['After', 'T', 'shipshape_migrations'])
      expect((await scope.rows('T', 'id')).map((r) => r.code)).toEqual(['a', 'b', 'c'])
    })

  if (backend.multiProcess && backend.dialect === 'postgres')
    it('killed after a concurrent build and before its record, the rerun finds the valid index and goes on', async () => {
      files.write(`${NAME}.sql`, sqlFile(`INSERT INTO ${t('T')} VALUES (3, 'c')`))
      const env = { CHILD_DIR: files.dir }
      // The first progress update after the transaction's commit is the one after the build.
      const killed = await migrateInChild(scope.config, { ...env, CHILD_KILL_BEFORE: '^UPDATE .*shipshape_migrations' }, CHILD)
      expect(killed.signal).toBe('SIGKILL')
      expect((await runner.status()).map((e) => [e.state, e.applied?.partial?.statements])).toEqual([['partial', 2]])
      expect((await scope.catalog.indexes('T')).map((i) => i.name)).toEqual(['t_code_idx'])
      const rerun = await migrateInChild(scope.config, env, CHILD)
      expect(rerun.result).toEqual({ migrations: [NAME] })
      expect(await tables()).toEqual(['After', 'T', 'shipshape_migrations'])
      expect((await scope.rows('T', 'id')).map((r) => r.code)).toEqual(['a', 'b', 'c'])
    })
})
