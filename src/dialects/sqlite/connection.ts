import type Database from 'better-sqlite3'
import { requireOptional } from '../../optional-packages.js'
import type { Connection, QueryResult } from '../connection.js'
import { nestTransaction, type SavepointGrammar } from '../nested-transaction.js'

type Db = Database.Database

/** better-sqlite3 binds numbers, strings, bigints, buffers and null only. */
function bindable(v: unknown): unknown {
  if (v === undefined) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (v instanceof Date) return v.toISOString()
  return v
}

function runQuery<R>(db: Db, sql: string, params?: readonly unknown[]): QueryResult<R> {
  const stmt = db.prepare(sql)
  const args = (params ?? []).map(bindable)
  if (stmt.reader) {
    const rows = stmt.all(...args) as R[]
    return { rows, rowCount: rows.length }
  }
  const r = stmt.run(...args)
  return { rows: [], rowCount: r.changes, insertId: r.lastInsertRowid }
}

// ROLLBACK TO keeps the savepoint open on SQLite; RELEASE closes it.
const SQLITE_SAVEPOINTS: SavepointGrammar = { begin: 'BEGIN', rollbackTo: (sp) => `ROLLBACK TO SAVEPOINT ${sp}; RELEASE SAVEPOINT ${sp}` }

/**
 * Inside a transaction or a held session: runs directly on the database, nesting
 * transactions as savepoints.
 */
export class SqliteSession implements Connection {
  depth = 0
  constructor(readonly db: Db) {}
  async query<R>(sql: string, params?: readonly unknown[]) {
    return runQuery<R>(this.db, sql, params)
  }
  async exec(sql: string) {
    this.db.exec(sql)
  }
  /** BEGIN in the given mode; IMMEDIATE takes the write lock at once. */
  begin(mode: 'DEFERRED' | 'IMMEDIATE' = 'DEFERRED') {
    this.db.exec(`BEGIN ${mode}`)
    this.depth++
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    // A failed statement may already have ended the transaction (SQLite rolls back on some
    // errors: https://www.sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction).
    const undo = async (sql: string) => {
      if (this.db.inTransaction) this.db.exec(sql)
    }
    return nestTransaction(this, SQLITE_SAVEPOINTS, async (sql) => this.db.exec(sql), () => fn(this), undo)
  }
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return fn(this)
  }
  async close() {}
}

/**
 * A SQLite file through better-sqlite3. One database handle; transactions and sessions
 * hold it exclusively so other callers' statements never land inside them.
 */
export class SqliteConnection implements Connection {
  private queue: Promise<unknown> = Promise.resolve()
  constructor(readonly db: Db) {}

  /** `busyTimeoutMs`: how long a statement waits, blocking, for another process's lock (default 5000). */
  static open(file: string, options: { busyTimeoutMs?: number } = {}): SqliteConnection {
    const Driver = requireOptional<typeof Database>('better-sqlite3')
    const db = new Driver(file, { timeout: options.busyTimeoutMs ?? 5000 })
    if (file !== ':memory:' && file !== '') db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    return new SqliteConnection(db)
  }

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }
  query<R>(sql: string, params?: readonly unknown[]) {
    return this.serial(() => runQuery<R>(this.db, sql, params))
  }
  exec(sql: string) {
    return this.serial(() => {
      this.db.exec(sql)
    })
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.serial(() => new SqliteSession(this.db).transaction(fn))
  }
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.serial(() => fn(new SqliteSession(this.db)))
  }
  async close() {
    await this.serial(() => this.db.close())
  }
}
