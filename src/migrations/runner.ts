import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import { redactUrl, ShipshapeError } from '../errors.js'
import type { Index } from '../schema/ir.js'
import type { MigrationContext } from './context.js'
import { MigrationChangedError, MigrationFileError } from './errors.js'
import { compareMigrationNames, listMigrationFiles, loadMigration, type MigrationFile } from './files.js'
import { currentActor, SqlMigrationStorage, type AppliedMigration, type MigrationStorage } from './history.js'
import { concurrentIndexTarget, isNonTransactionalSql, splitStatements } from './sql-text.js'

export interface MigrationRunnerOptions {
  dialect: Dialect
  connection: Connection
  /** Folder of migration files. Default 'migrations'. */
  dir?: string
  /** Schema of the tracking table where the engine has schemas (default: the connection's). */
  schema?: string
  /** How long to wait for another process's migration lock, in ms. Default 60 000. */
  lockTimeout?: number
  /** Given to migrations as `ctx.app`, for data migrations through the application's repositories. */
  app?: unknown
  /** Where applied migrations are recorded. Default: the `shipshape_migrations` table. */
  storage?: MigrationStorage
  /** Who applies migrations, for the record. Default `user@host`. */
  appliedBy?: string
  /** Take the migration lock for this schema only (a tenant of a fleet), not the whole database. */
  lockScope?: string
  /** Called as each migration starts and ends. */
  onMigration?(event: { name: string; direction: 'up' | 'down'; phase: 'start' | 'done'; durationMs?: number }): void
}

export type MigrationState = 'applied' | 'pending' | 'out-of-order' | 'changed' | 'missing'

export interface MigrationStatusEntry {
  name: string
  /**
   * applied; pending (on disk, not applied); out-of-order (pending, but older than an applied one:
   * typically a branch merged late); changed (applied, file edited since); missing (applied, file gone).
   */
  state: MigrationState
  file?: string
  checksum?: string
  applied?: AppliedMigration
}

export interface MigrationRunResult {
  direction: 'up' | 'down'
  /** Names run, in order. */
  migrations: string[]
  durationMs: number
}

/**
 * Applies versioned migration files in order, once per database, recording each in
 * `shipshape_migrations`. Each migration runs in its own transaction where the engine's DDL
 * is transactional; the whole run holds the dialect's migration lock, so processes starting
 * together apply each migration exactly once.
 * @example
 *   const runner = await MigrationRunner.forDataSource(ds, {dir: 'migrations', lockTimeout: 30_000})
 *   await runner.up()                    // every pending migration
 *   await runner.down({steps: 1})        // revert the last one
 *   const entries = await runner.status() // applied / pending / changed / missing
 */
export class MigrationRunner {
  readonly dir: string
  readonly storage: MigrationStorage
  private readonly dialect: Dialect
  private readonly conn: Connection
  /** Statements of the current migration that ran outside any transaction, for the error if a later one fails. */
  private executed: string[] = []

  constructor(private readonly options: MigrationRunnerOptions) {
    this.dialect = options.dialect
    this.conn = options.connection
    this.dir = options.dir ?? 'migrations'
    this.storage = options.storage ?? new SqlMigrationStorage(options.dialect, { schema: options.schema })
  }

  /** A runner over a datasource's connection, dialect and schema. */
  static async forDataSource(
    ds: { name: string; dialect?: Dialect; settings: { schema?: string }; connection(): Promise<Connection>; migrationConnection?(): Promise<Connection> },
    options: Omit<MigrationRunnerOptions, 'dialect' | 'connection'> = {},
  ): Promise<MigrationRunner> {
    if (!ds.dialect)
      throw new ShipshapeError('MIGRATION_UNSUPPORTED', `Datasource "${ds.name}" has no SQL dialect; it can't run migrations.`)
    return new MigrationRunner({ schema: ds.settings.schema, ...options, dialect: ds.dialect, connection: await (ds.migrationConnection?.() ?? ds.connection()) })
  }

  /** Every migration on disk or in the tracking table, in order, with its state. Takes no lock. */
  async status(): Promise<MigrationStatusEntry[]> {
    return this.entries(listMigrationFiles(this.dir), await this.storage.list(this.conn))
  }

  private entries(files: MigrationFile[], applied: AppliedMigration[]): MigrationStatusEntry[] {
    const byName = new Map(applied.map((a) => [a.name, a]))
    const out: MigrationStatusEntry[] = files.map((f) => {
      const a = byName.get(f.name)
      const state: MigrationState = !a ? 'pending' : a.checksum === f.checksum ? 'applied' : 'changed'
      return { name: f.name, state, file: f.path, checksum: f.checksum, ...(a ? { applied: a } : {}) }
    })
    const onDisk = new Set(files.map((f) => f.name))
    for (const a of applied) if (!onDisk.has(a.name)) out.push({ name: a.name, state: 'missing', applied: a })
    const newest = applied.reduce<string | undefined>((n, a) => (n === undefined || compareMigrationNames(a.name, n) > 0 ? a.name : n), undefined)
    for (const e of out) if (e.state === 'pending' && newest !== undefined && compareMigrationNames(e.name, newest) < 0) e.state = 'out-of-order'
    return out.sort((x, y) => compareMigrationNames(x.name, y.name))
  }

  /**
   * Applies pending migrations in order, up to and including `to`. Stops at the first
   * failure, which records nothing for the failed file and names it and its statement.
   */
  async up(options: { to?: string; allowOutOfOrder?: boolean } = {}): Promise<MigrationRunResult> {
    const started = Date.now()
    const files = listMigrationFiles(this.dir)
    if (options.to !== undefined && !files.some((f) => f.name === options.to))
      throw new ShipshapeError('UNKNOWN_MIGRATION', `No migration named "${options.to}" in ${this.dir}.`)
    const ran = await this.locked(async (conn) => {
      await this.storage.ensure(conn)
      const entries = this.entries(files, await this.storage.list(conn))
      const changed = entries.filter((e) => e.state === 'changed').map((e) => e.name)
      if (changed.length) throw new MigrationChangedError(changed)
      const late = entries.filter((e) => e.state === 'out-of-order')
      if (late.length && !options.allowOutOfOrder) {
        const newest = entries.filter((e) => e.applied).pop()!.name
        throw new ShipshapeError(
          'MIGRATION_OUT_OF_ORDER',
          `${late.map((e) => `"${e.name}"`).join(', ')} sort${late.length === 1 ? 's' : ''} before "${newest}", which is already applied ` +
            `(a branch merged late?). Nothing was run. Review ${late.length === 1 ? 'it' : 'them'} against the current schema, then run ` +
            `\`migration up --out-of-order\` (allowOutOfOrder: true), or rename ${late.length === 1 ? 'it' : 'them'} with a later timestamp.`,
        )
      }
      let pending = entries.filter((e) => e.state === 'pending' || e.state === 'out-of-order')
      if (options.to !== undefined) pending = pending.filter((e) => compareMigrationNames(e.name, options.to!) <= 0)
      return this.runEach(conn, pending.map((e) => files.find((f) => f.name === e.name)!), 'up')
    })
    return { direction: 'up', migrations: ran, durationMs: Date.now() - started }
  }

  /**
   * Reverts applied migrations, newest first: one by default, `steps` of them, or every
   * one after `to` (which stays applied).
   */
  async down(options: { to?: string; steps?: number } = {}): Promise<MigrationRunResult> {
    const started = Date.now()
    const files = listMigrationFiles(this.dir)
    const ran = await this.locked(async (conn) => {
      const entries = this.entries(files, await this.storage.list(conn))
      const applied = entries.filter((e) => e.state !== 'pending' && e.state !== 'out-of-order').reverse()
      let targets: MigrationStatusEntry[]
      if (options.to !== undefined) {
        if (!applied.some((e) => e.name === options.to))
          throw new ShipshapeError('UNKNOWN_MIGRATION', `Migration "${options.to}" is not applied; nothing to revert to.`)
        targets = applied.filter((e) => compareMigrationNames(e.name, options.to!) > 0)
      } else targets = applied.slice(0, options.steps ?? 1)
      const missing = targets.filter((e) => e.state === 'missing').map((e) => e.name)
      if (missing.length)
        throw new ShipshapeError(
          'MIGRATION_MISSING',
          `Can't revert ${missing.map((m) => `"${m}"`).join(', ')}: the file is no longer in ${this.dir}.`,
        )
      const changed = targets.filter((e) => e.state === 'changed').map((e) => e.name)
      if (changed.length) throw new MigrationChangedError(changed)
      return this.runEach(conn, targets.map((e) => files.find((f) => f.name === e.name)!), 'down')
    })
    return { direction: 'down', migrations: ran, durationMs: Date.now() - started }
  }

  /**
   * Marks the database as being at `name` without running anything: every migration up to
   * and including it is recorded as applied. For a database that already has the schema
   * (adopted with `shipshape pull`, or built by auto-update).
   */
  async baseline(name: string): Promise<string[]> {
    const files = listMigrationFiles(this.dir)
    if (!files.some((f) => f.name === name))
      throw new ShipshapeError('UNKNOWN_MIGRATION', `No migration named "${name}" in ${this.dir}.`)
    return this.locked(async (conn) => {
      await this.storage.ensure(conn)
      const applied = new Set((await this.storage.list(conn)).map((a) => a.name))
      const marked: string[] = []
      for (const f of files) {
        if (compareMigrationNames(f.name, name) > 0 || applied.has(f.name)) continue
        await this.storage.record(conn, this.entry(f, 0))
        marked.push(f.name)
      }
      return marked
    })
  }

  /**
   * Accepts the current checksum of every applied migration whose file changed, and with
   * `forgetMissing` removes the records of applied migrations whose file is gone (the schema
   * they made stays). Returns their names.
   */
  async repair(options: { forgetMissing?: boolean } = {}): Promise<string[]> {
    const files = listMigrationFiles(this.dir)
    return this.locked(async (conn) => {
      const entries = this.entries(files, await this.storage.list(conn))
      const changed = entries.filter((e) => e.state === 'changed')
      for (const e of changed) await this.storage.setChecksum(conn, e.name, e.checksum!)
      const missing = options.forgetMissing ? entries.filter((e) => e.state === 'missing') : []
      for (const e of missing) await this.storage.remove(conn, e.name)
      return [...changed, ...missing].map((e) => e.name)
    })
  }

  /**
   * Runs `fn` under the migration lock. A failure inside is returned through the lock and
   * thrown after it, so that on engines where the lock is itself a transaction (SQLite) the
   * migrations before the failed one stay committed.
   */
  private async locked<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    let failure: { error: unknown } | undefined
    const result = await this.dialect.withMigrationLock(this.conn, { timeoutMs: this.options.lockTimeout, scope: this.options.lockScope }, async (conn) => {
      try {
        return await fn(conn)
      } catch (e) {
        if (!(e instanceof MigrationFileError)) throw e
        failure = { error: e }
        return undefined as T
      }
    })
    if (failure) throw failure.error
    return result
  }

  private entry(f: MigrationFile, durationMs: number): AppliedMigration {
    return {
      name: f.name,
      checksum: f.checksum,
      appliedAt: new Date(),
      durationMs,
      appliedBy: this.options.appliedBy ?? currentActor(),
    }
  }

  private async runEach(conn: Connection, files: MigrationFile[], direction: 'up' | 'down'): Promise<string[]> {
    const done: string[] = []
    for (const f of files) {
      try {
        await this.runOne(conn, f, direction)
      } catch (e) {
        if (e instanceof MigrationFileError) e.completed = done
        throw e
      }
      done.push(f.name)
    }
    return done
  }

  /** One migration: its transactional part in a transaction, then any statements that can't be. */
  private async runOne(conn: Connection, f: MigrationFile, direction: 'up' | 'down'): Promise<void> {
    const started = Date.now()
    this.executed = []
    this.options.onMigration?.({ name: f.name, direction, phase: 'start' })
    const migration = await loadMigration(f).catch((e: Error) => {
      throw new MigrationFileError(f.name, direction, `Migration "${f.name}" (${direction}): ${e.message}`, '', { cause: e })
    })
    const fn = direction === 'up' ? migration.up : migration.down
    if (!fn)
      throw new MigrationFileError(
        f.name,
        direction,
        `Migration "${f.name}" has no down ${f.kind === 'sql' ? 'section (-- down)' : 'function'}; it can't be reverted. ` +
          `Add one, or write a new migration that undoes it.`,
        '',
      )
    const transactional = this.dialect.capabilities.transactionalDdl
    const deferred: string[] = []
    const finish = async (c: Connection) => {
      if (direction === 'up') await this.storage.record(c, this.entry(f, Date.now() - started))
      else await this.storage.remove(c, f.name)
    }
    if (transactional) {
      await conn.transaction(async (tx) => {
        await this.invoke(fn, this.context(tx, f, direction, deferred), f, direction)
        // The record shares the migration's transaction: both happen, or neither.
        if (deferred.length === 0) await finish(tx)
      })
    } else {
      await this.invoke(fn, this.context(conn, f, direction, undefined), f, direction)
    }
    if (deferred.length) {
      for (const sql of deferred) await this.statement(f, direction, sql, () => this.runOutside(conn, sql), true)
      await finish(conn)
    } else if (!transactional) await finish(conn)
    this.options.onMigration?.({ name: f.name, direction, phase: 'done', durationMs: Date.now() - started })
  }

  private async invoke(fn: (ctx: MigrationContext) => Promise<void>, ctx: MigrationContext, f: MigrationFile, direction: 'up' | 'down') {
    try {
      await fn(ctx)
    } catch (e) {
      if (e instanceof MigrationFileError) throw e
      throw new MigrationFileError(
        f.name,
        direction,
        `Migration "${f.name}" (${direction}) failed: ${redactUrl((e as Error)?.message ?? String(e))}` +
          (this.dialect.capabilities.transactionalDdl ? '\n  Rolled back; nothing was recorded for it.' : ''),
        '',
        { cause: e },
      )
    }
  }

  /**
   * The context a migration gets. Inside a transaction, a statement that can't run in one
   * (and every `exec` after it) is held back and run once the transaction has committed.
   */
  private context(conn: Connection, f: MigrationFile, direction: 'up' | 'down', deferred: string[] | undefined): MigrationContext {
    return {
      name: f.name,
      direction,
      dialect: this.dialect,
      app: this.options.app,
      query: async <R>(sql: string, params?: readonly unknown[]) => {
        if (deferred?.length)
          throw new MigrationFileError(
            f.name,
            direction,
            `Migration "${f.name}" (${direction}): ctx.query() after a statement that runs outside the transaction ` +
              `(${deferred[0]!.slice(0, 60)}…) is not supported. Move the query before it, or into its own migration.`,
            sql,
          )
        return this.statement(f, direction, sql, async () => (await conn.query<R>(sql, params)).rows, false)
      },
      exec: async (script: string) => {
        for (const sql of splitStatements(script)) {
          if (deferred && (deferred.length || isNonTransactionalSql(sql))) {
            deferred.push(sql)
            continue
          }
          await this.statement(f, direction, sql, () => conn.exec(sql), false)
        }
      },
    }
  }

  private async statement<T>(f: MigrationFile, direction: 'up' | 'down', sql: string, run: () => Promise<T>, outside: boolean): Promise<T> {
    try {
      const result = await run()
      if (!this.dialect.capabilities.transactionalDdl || outside) this.executed.push(sql)
      return result
    } catch (e) {
      if (e instanceof MigrationFileError) throw e
      const err = e as Error & { detail?: string }
      const rolledBack = this.dialect.capabilities.transactionalDdl && !outside
      const ran = this.executed.length
        ? `\n  ${this.executed.length} earlier statement(s) of it already ran and stay (this engine can't roll DDL back): ` +
          this.executed.map((s) => s.replace(/\s+/g, ' ').slice(0, 80)).join(' | ')
        : ''
      throw new MigrationFileError(
        f.name,
        direction,
        `Migration "${f.name}" (${direction}) failed: ${redactUrl(err.message)}` +
          (err.detail ? ` (${err.detail})` : '') +
          `\n  SQL: ${sql}` +
          (rolledBack
            ? '\n  Its transaction was rolled back; nothing was recorded for it.'
            : '\n  This statement ran outside a transaction; nothing was recorded for the migration. ' +
              'Fix the cause and run it again (an invalid index left behind is dropped and rebuilt).' + ran),
        sql,
        { cause: e },
      )
    }
  }

  /**
   * A statement outside any transaction. Before a concurrent index build, an index of that
   * name left invalid by an earlier failed build is dropped, so the build can run again.
   */
  private async runOutside(conn: Connection, sql: string): Promise<void> {
    const target = concurrentIndexTarget(sql)
    if (target) {
      const ref = target.table.schema ? target.table : { ...(this.options.schema ? { schema: this.options.schema } : {}), name: target.table.name }
      const db = await this.dialect.introspect(conn, [ref])
      const table = db.tables[0]
      const invalid: Index | undefined = table?.indexes.find((ix) => ix.name === target.index && ix.isInvalid)
      if (table && invalid)
        for (const s of this.dialect.render({ kind: 'drop-index', table: ref, index: invalid }, { current: db })) await conn.exec(s.sql)
    }
    await conn.exec(sql)
  }
}
