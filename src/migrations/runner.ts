import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import { describeStatementFailure, redactUrl, ShipshapeError } from '../errors.js'
import type { MigrationContext } from './context.js'
import { MigrationChangedError, MigrationFileError } from './errors.js'
import { compareMigrationNames, listMigrationFiles, loadMigration, type MigrationFile } from './files.js'
import { currentActor, SqlMigrationStorage, type AppliedMigration, type MigrationProgress, type MigrationStorage } from './history.js'
import { describeDrops, previewDown, type DownPreview } from './down-preview.js'
import { isReplayable, listStatements, statementsChecksum } from './progress.js'
import { isNonTransactionalSql, splitStatements } from '../dialects/sql-text.js'

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

export type MigrationState = 'applied' | 'pending' | 'out-of-order' | 'changed' | 'missing' | 'partial' | 'reverting'

export interface MigrationStatusEntry {
  name: string
  /**
   * applied; pending (on disk, not applied); out-of-order (pending, but older than an applied one:
   * typically a branch merged late); changed (applied, file edited since); missing (applied, file gone);
   * partial (some of its statements took effect and are recorded; `up` resumes after them);
   * reverting (some statements of its down took effect; `down` resumes after them).
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
      const state: MigrationState = !a ? 'pending' : a.partial ? 'partial' : a.reverting ? 'reverting' : a.checksum === f.checksum ? 'applied' : 'changed'
      return { name: f.name, state, file: f.path, checksum: f.checksum, ...(a ? { applied: a } : {}) }
    })
    const onDisk = new Set(files.map((f) => f.name))
    for (const a of applied) if (!onDisk.has(a.name)) out.push({ name: a.name, state: 'missing', applied: a })
    const newest = applied
      .filter((a) => !a.partial)
      .reduce<string | undefined>((n, a) => (n === undefined || compareMigrationNames(a.name, n) > 0 ? a.name : n), undefined)
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
    // A partly applied migration resumes after the statements that took effect.
    const ran = await this.locked(async (conn) => {
      await this.storage.ensure(conn)
      const entries = this.entries(files, await this.storage.list(conn))
      const reverting = entries.filter((e) => e.state === 'reverting')
      if (reverting.length)
        throw new ShipshapeError(
          'MIGRATION_PARTIAL',
          `${reverting.map((e) => `"${e.name}" (${e.applied!.reverting!.statements} statement(s) of its down took effect)`).join(', ')} ` +
            `${reverting.length === 1 ? 'is' : 'are'} partly reverted; nothing was run. Finish with \`migration down\` (after fixing the failing statement).`,
        )
      const changed = entries.filter((e) => e.state === 'changed').map((e) => e.name)
      if (changed.length) throw new MigrationChangedError(changed)
      const late = entries.filter((e) => e.state === 'out-of-order')
      if (late.length && !options.allowOutOfOrder) {
        const newest = entries.filter((e) => e.applied && !e.applied.partial).pop()!.name
        throw new ShipshapeError(
          'MIGRATION_OUT_OF_ORDER',
          `${late.map((e) => `"${e.name}"`).join(', ')} sort${late.length === 1 ? 's' : ''} before "${newest}", which is already applied ` +
            `(a branch merged late?). Nothing was run. Review ${late.length === 1 ? 'it' : 'them'} against the current schema, then run ` +
            `\`migration up --out-of-order\` (allowOutOfOrder: true), or rename ${late.length === 1 ? 'it' : 'them'} with a later timestamp.`,
        )
      }
      let pending = entries.filter((e) => e.state === 'pending' || e.state === 'out-of-order' || e.state === 'partial')
      if (options.to !== undefined) pending = pending.filter((e) => compareMigrationNames(e.name, options.to!) <= 0)
      return this.runEach(
        conn,
        pending.map((e) => ({ file: files.find((f) => f.name === e.name)!, ...(e.applied?.partial ? { partial: e.applied.partial } : {}) })),
        'up',
      )
    })
    return { direction: 'up', migrations: ran, durationMs: Date.now() - started }
  }

  /**
   * Reverts applied migrations, the last applied first (the order they were applied in, which
   * `up --out-of-order` makes differ from their names): one by default, `steps` of them, or
   * every one applied after `to` (which stays applied). A baselined migration never ran here, so
   * its down() would drop what was there before it: it is refused, naming what it would drop and
   * the rows there, unless `includeBaselined`.
   */
  async down(options: { to?: string; steps?: number; includeBaselined?: boolean } = {}): Promise<MigrationRunResult> {
    const started = Date.now()
    const files = listMigrationFiles(this.dir)
    const ran = await this.locked(async (conn) => {
      const targets = await this.downTargets(conn, files, options)
      const baselined = targets.filter((e) => e.applied?.isBaselined)
      if (baselined.length && !options.includeBaselined) {
        const previews = await this.previewDownOf(conn, files, baselined)
        throw new ShipshapeError(
          'MIGRATION_BASELINED',
          `Refusing to revert ${baselined.map((e) => `"${e.name}"`).join(', ')}: baselined, never run on this database, so ` +
            `its down() would drop what was there before it:${describeDrops(previews)}\n` +
            `Nothing was reverted. To revert it anyway, pass --include-baselined (includeBaselined: true).`,
        )
      }
      return this.runEach(
        conn,
        targets.map((e) => ({ file: files.find((f) => f.name === e.name)!, record: e.applied!, ...(e.applied!.reverting ? { partial: e.applied!.reverting } : {}) })),
        'down',
      )
    })
    return { direction: 'down', migrations: ran, durationMs: Date.now() - started }
  }

  /**
   * What `down(options)` would revert and drop, without reverting anything: each migration's
   * down() statements, and the tables and columns they drop with their row counts.
   */
  async previewDown(options: { to?: string; steps?: number } = {}): Promise<(DownPreview & { isBaselined: boolean })[]> {
    const files = listMigrationFiles(this.dir)
    return this.locked(async (conn) => {
      const targets = await this.downTargets(conn, files, options)
      const previews = await this.previewDownOf(conn, files, targets)
      return previews.map((p, i) => ({ ...p, isBaselined: !!targets[i]!.applied?.isBaselined }))
    })
  }

  private async previewDownOf(conn: Connection, files: MigrationFile[], targets: MigrationStatusEntry[]): Promise<DownPreview[]> {
    const out: DownPreview[] = []
    for (const e of targets) out.push(await previewDown(files.find((f) => f.name === e.name)!, this.dialect, conn, this.options.schema))
    return out
  }

  /** The applied migrations `down` would revert, last applied first; refuses what can't be reverted. */
  private async downTargets(conn: Connection, files: MigrationFile[], options: { to?: string; steps?: number }): Promise<MigrationStatusEntry[]> {
    const entries = this.entries(files, await this.storage.list(conn))
    const partial = entries.filter((e) => e.state === 'partial')
    if (partial.length)
      throw new ShipshapeError(
        'MIGRATION_PARTIAL',
        `${partial.map((e) => `"${e.name}" (${e.applied!.partial!.statements} statement(s) took effect)`).join(', ')} ` +
          `${partial.length === 1 ? 'is' : 'are'} partly applied; nothing was reverted. Finish ${partial.length === 1 ? 'it' : 'them'} with ` +
          `\`migration up\` (after fixing the failing statement), or revert what took effect by hand and run \`migration repair --forget-partial\`.`,
      )
    const targets = revertOrder(entries, options)
    const missing = targets.filter((e) => e.state === 'missing').map((e) => e.name)
    if (missing.length)
      throw new ShipshapeError('MIGRATION_MISSING', `Can't revert ${missing.map((m) => `"${m}"`).join(', ')}: the file is no longer in ${this.dir}.`)
    const changed = targets.filter((e) => e.state === 'changed').map((e) => e.name)
    if (changed.length) throw new MigrationChangedError(changed)
    return targets
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
        await this.storage.record(conn, { ...this.entry(f, 0), isBaselined: true })
        marked.push(f.name)
      }
      return marked
    })
  }

  /**
   * Accepts the current checksum of every applied migration whose file changed, and with
   * `forgetMissing` removes the records of applied migrations whose file is gone (the schema
   * they made stays), and with `forgetPartial` the records of partly applied migrations (after
   * reverting by hand what of them took effect; `up` then runs them from the start) and the
   * progress of partly reverted ones (after restoring by hand what their down removed: applied
   * again). Returns their names.
   */
  async repair(options: { forgetMissing?: boolean; forgetPartial?: boolean } = {}): Promise<string[]> {
    const files = listMigrationFiles(this.dir)
    return this.locked(async (conn) => {
      const entries = this.entries(files, await this.storage.list(conn))
      const changed = entries.filter((e) => e.state === 'changed')
      for (const e of changed) await this.storage.setChecksum(conn, e.name, e.checksum!)
      const missing = options.forgetMissing ? entries.filter((e) => e.state === 'missing') : []
      const partial = options.forgetPartial ? entries.filter((e) => e.state === 'partial' || (e.state === 'missing' && e.applied?.partial)) : []
      for (const e of new Set([...missing, ...partial])) await this.storage.remove(conn, e.name)
      // A partly reverted one whose reverted part was restored by hand: applied again.
      const reverting = options.forgetPartial && this.storage.update ? entries.filter((e) => e.state === 'reverting') : []
      for (const e of reverting) {
        const { reverting: _, ...applied } = e.applied!
        await this.storage.update!(conn, applied)
      }
      return [...new Set([...changed, ...missing, ...partial, ...reverting])].map((e) => e.name)
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

  private async runEach(
    conn: Connection,
    targets: { file: MigrationFile; partial?: MigrationProgress; record?: AppliedMigration }[],
    direction: 'up' | 'down',
  ): Promise<string[]> {
    const done: string[] = []
    for (const { file, partial, record } of targets) {
      try {
        await this.runOne(conn, file, direction, partial, record)
      } catch (e) {
        if (e instanceof MigrationFileError) e.completed = done
        throw e
      }
      done.push(file.name)
    }
    return done
  }

  /**
   * One migration, as segments: its statements in one transaction where the engine's DDL is
   * transactional, up to the first that can't run in one; that statement and the ones after it
   * one by one after the commit. Where DDL commits itself (MySQL), every statement is a segment.
   * After each committed segment the tracking row records how many statements took effect
   * (state `partial`), so a failure or a kill leaves a record that says exactly what happened,
   * and the next `up` resumes after them. `resume` is that record. A down() is tracked the same
   * way (state `reverting` on the applied `record`), and the next `down` resumes it.
   */
  private async runOne(conn: Connection, f: MigrationFile, direction: 'up' | 'down', resume?: MigrationProgress, record?: AppliedMigration): Promise<void> {
    const started = Date.now()
    this.options.onMigration?.({ name: f.name, direction, phase: 'start' })
    const migration = await loadMigration(f, this.dialect.sqlGrammar).catch((e: Error) => {
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
    const run: SegmentRun = {
      f,
      direction,
      started,
      ...(resume ? { resume } : {}),
      issued: 0,
      done: [],
      inTx: [],
      deferred: [],
      hasRecord: resume !== undefined || direction === 'down',
      ...(record ? { record } : {}),
      // Progress needs a storage that can update a record.
      tracksProgress: typeof this.storage.update === 'function' && (direction === 'up' || record !== undefined),
    }
    const finish = async (c: Connection) => {
      if (direction === 'down') return this.storage.remove(c, f.name)
      const entry = this.entry(f, Date.now() - started)
      if (run.hasRecord) await this.storage.update!(c, entry)
      else await this.storage.record(c, entry)
    }
    if (this.dialect.capabilities.supportsTransactionalDdl) {
      let recorded = false
      await conn.transaction(async (tx) => {
        run.inTx = []
        await this.invoke(fn, this.context(tx, run, true), run)
        await this.checkResumed(run)
        // The record shares the segment's transaction: both happen, or neither.
        if (run.deferred.length === 0) await finish(tx)
        else if (run.tracksProgress && run.inTx.length) await this.saveProgress(tx, run, [...run.done, ...run.inTx])
        recorded = run.tracksProgress && run.inTx.length > 0
      })
      run.done.push(...run.inTx)
      run.inTx = []
      if (recorded) run.hasRecord = true
      for (const [i, sql] of run.deferred.entries()) {
        await this.statement(run, sql, () => this.runOutside(conn, sql, resume !== undefined && i === 0 && run.done.length === resume.statements), true)
        if (run.tracksProgress && i < run.deferred.length - 1) await this.saveProgress(conn, run, run.done)
      }
      if (run.deferred.length) await finish(conn)
    } else {
      await this.invoke(fn, this.context(conn, run, false), run)
      await this.checkResumed(run)
      await finish(conn)
    }
    this.options.onMigration?.({ name: f.name, direction, phase: 'done', durationMs: Date.now() - started })
  }

  /** Records that `statements` of the migration took effect (a partial record). */
  private async saveProgress(conn: Connection, run: SegmentRun, statements: string[]): Promise<void> {
    const progress = { statements: statements.length, checksum: statementsChecksum(statements) }
    const { partial: _p, reverting: _r, ...applied } = run.record ?? this.entry(run.f, 0)
    const entry: AppliedMigration =
      run.direction === 'down' ? { ...applied, reverting: progress } : { ...this.entry(run.f, Date.now() - run.started), partial: progress }
    if (run.hasRecord) await this.storage.update!(conn, entry)
    else await this.storage.record(conn, entry)
    run.hasRecord = true
  }

  /**
   * On resume, once the statements that took effect have been replayed (skipped): they must be
   * the file's statements at those positions still, or resuming would skip the wrong ones.
   */
  private async checkResumed(run: SegmentRun): Promise<void> {
    if (!run.resume || run.resumeChecked) return
    run.resumeChecked = true
    const replayed = run.done
    if (replayed.length === run.resume.statements && statementsChecksum(replayed) === run.resume.checksum) return
    throw new MigrationFileError(
      run.f.name,
      run.direction,
      `Migration "${run.f.name}" is partly ${run.direction === 'up' ? 'applied' : 'reverted'}: the first ${run.resume.statements} statement(s) ` +
        `of its ${run.direction} took effect, but the file's first ${run.resume.statements} statement(s) there are not those any more (edited since?). ` +
        `Nothing was run. Restore them (edit only the statements after them)` +
        (run.direction === 'up'
          ? `, or revert what took effect by hand and forget the partial record with \`shipshape migration repair --forget-partial\`.`
          : '.'),
      '',
    )
  }

  private async invoke(fn: (ctx: MigrationContext) => Promise<void>, ctx: MigrationContext, run: SegmentRun) {
    try {
      await fn(ctx)
    } catch (e) {
      if (e instanceof MigrationFileError) throw e
      const transactional = this.dialect.capabilities.supportsTransactionalDdl
      throw new MigrationFileError(
        run.f.name,
        run.direction,
        `Migration "${run.f.name}" (${run.direction}) failed: ${redactUrl((e as Error)?.message ?? String(e))}` +
          (transactional && run.inTx.length ? `\n  Its transaction was rolled back: ${run.inTx.length} statement(s) of it did not take effect.` : '') +
          this.tookEffect(run),
        '',
        { cause: e },
      )
    }
  }

  /** What of a failed migration took effect, and what the next run will do about it. */
  private tookEffect(run: SegmentRun): string {
    if (run.resume && !run.resumeChecked)
      return `\n  Its first ${run.resume.statements} statement(s) took effect in an earlier run and stay recorded (status: ${run.direction === 'up' ? 'partial' : 'reverting'}).`
    if (run.done.length === 0) return `\n  Nothing of it took effect; nothing was recorded for it.`
    const recorded = run.tracksProgress
      ? `They are recorded (status: ${run.direction === 'up' ? 'partial' : 'reverting'}); fix the cause and run \`migration ${run.direction}\` again: ` +
        `it resumes at statement ${run.done.length + 1}.`
      : run.direction === 'down'
        ? `The migration is still recorded as applied; revert them by hand or fix the cause and finish them by hand.`
        : `Nothing was recorded for the migration; revert them by hand before running it again.`
    return `\n  ${run.done.length} statement(s) of it took effect and stay (they ran outside a transaction, or committed before):` +
      listStatements(run.done) + `\n  ${recorded}`
  }

  /**
   * The context a migration gets. Every statement is counted: on resume, those that already
   * took effect are skipped. In a transaction, a statement that can't run in one (and every
   * one after it) is held back and run once the transaction has committed.
   */
  private context(conn: Connection, run: SegmentRun, inTransaction: boolean): MigrationContext {
    const step = async <T>(sql: string, execute: () => Promise<T>, skipped: T): Promise<T> => {
      const k = run.issued++
      if (run.resume && k < run.resume.statements) {
        run.done.push(sql)
        if (!isReplayable(sql, this.dialect.sqlGrammar)) return skipped
        try {
          return await execute()
        } catch (e) {
          throw new MigrationFileError(
            run.f.name,
            run.direction,
            `Migration "${run.f.name}" is partly ${run.direction === 'up' ? 'applied' : 'reverted'}: the first ${run.resume.statements} statement(s) of its ${run.direction} took effect in an earlier run. ` +
              `Resuming, it replays the reads among them, and statement ${k + 1} failed: ${describeStatementFailure(e, sql)}\n` +
              `  Nothing was run. If the statements before it were edited since, restore them.`,
            sql,
            { cause: e },
          )
        }
      }
      await this.checkResumed(run)
      if (inTransaction) {
        if (run.deferred.length || isNonTransactionalSql(sql, this.dialect.sqlGrammar)) {
          run.deferred.push(sql)
          return skipped
        }
        const result = await this.statement(run, sql, execute, false)
        run.inTx.push(sql)
        return result
      }
      const result = await this.statement(run, sql, execute, true)
      if (run.tracksProgress) await this.saveProgress(conn, run, run.done)
      return result
    }
    return {
      name: run.f.name,
      direction: run.direction,
      dialect: this.dialect,
      app: this.options.app,
      query: async <R>(sql: string, params?: readonly unknown[]) => {
        if (run.deferred.length)
          throw new MigrationFileError(
            run.f.name,
            run.direction,
            `Migration "${run.f.name}" (${run.direction}): ctx.query() after a statement that runs outside the transaction ` +
              `(${run.deferred[0]!.slice(0, 60)}…) is not supported. Move the query before it, or into its own migration.`,
            sql,
          )
        return step(sql, async () => (await conn.query<R>(sql, params)).rows, [] as R[])
      },
      exec: async (script: string) => {
        for (const sql of splitStatements(script, this.dialect.sqlGrammar)) await step(sql, () => conn.exec(sql), undefined)
      },
    }
  }

  /** Runs one statement; `outside`: it commits by itself, so on success it counts as done. */
  private async statement<T>(run: SegmentRun, sql: string, execute: () => Promise<T>, outside: boolean): Promise<T> {
    try {
      const result = await execute()
      if (outside) run.done.push(sql)
      return result
    } catch (e) {
      if (e instanceof MigrationFileError) throw e
      const position = run.done.length + (outside ? 0 : run.inTx.length) + 1
      const rolledBack = !outside
      const repairNote = outside ? this.dialect.statementRepair.failureNote(sql) : undefined
      throw new MigrationFileError(
        run.f.name,
        run.direction,
        `Migration "${run.f.name}" (${run.direction}) failed: ${describeStatementFailure(e, sql, position)}` +
          (rolledBack
            ? `\n  Its transaction was rolled back: ${run.inTx.length + 1} statement(s) of it did not take effect.`
            : `\n  It ran by itself, outside a transaction` +
              (repairNote ? `; ${repairNote}.` : '.')) +
          this.tookEffect(run),
        sql,
        { cause: e },
      )
    }
  }

  /** A statement outside any transaction, after the dialect repairs what a failed earlier run of it left (PostgreSQL: an invalid index). */
  private async runOutside(conn: Connection, sql: string, isResumePoint: boolean): Promise<void> {
    if ((await this.dialect.statementRepair.prepare(conn, sql, { schema: this.options.schema, isResumePoint })) === 'done') return
    await conn.exec(sql)
  }
}

/**
 * The applied migrations `down` reverts, last applied first: `steps` of them (default 1), or
 * every one applied after `to`. Throws UNKNOWN_MIGRATION when `to` is not applied.
 */
export function revertOrder(entries: MigrationStatusEntry[], options: { to?: string; steps?: number }): MigrationStatusEntry[] {
  const applied = entries.filter((e) => e.applied && e.state !== 'partial').sort((x, y) => appliedOrder(y.applied!, x.applied!))
  if (options.to === undefined) return applied.slice(0, options.steps ?? 1)
  const at = applied.findIndex((e) => e.name === options.to)
  if (at < 0) throw new ShipshapeError('UNKNOWN_MIGRATION', `Migration "${options.to}" is not applied; nothing to revert to.`)
  return applied.slice(0, at)
}

/** Order of application: the recorded sequence, else (older records) the time, then the name. */
function appliedOrder(a: AppliedMigration, b: AppliedMigration): number {
  if (a.sequence !== undefined && b.sequence !== undefined && a.sequence !== b.sequence) return a.sequence - b.sequence
  if ((a.sequence === undefined) !== (b.sequence === undefined)) return a.sequence === undefined ? -1 : 1
  const t = a.appliedAt.getTime() - b.appliedAt.getTime()
  return t !== 0 ? t : compareMigrationNames(a.name, b.name)
}

/** The state of one migration's run: what took effect, what waits for the commit. */
interface SegmentRun {
  f: MigrationFile
  direction: 'up' | 'down'
  started: number
  /** The partial record this run resumes after. */
  resume?: MigrationProgress
  resumeChecked?: boolean
  /** Statements issued so far, skipped ones included. */
  issued: number
  /** Statements that took effect (committed), in order, those of earlier runs included. */
  done: string[]
  /** Statements run in the open transaction, not committed yet. */
  inTx: string[]
  /** Statements held back until the transaction commits. */
  deferred: string[]
  /** The tracking table has a row for this migration (a partial one, or the applied one being reverted). */
  hasRecord: boolean
  /** The applied record of a migration being reverted. */
  record?: AppliedMigration
  tracksProgress: boolean
}
