import type pg from 'pg'
import { requireOptional } from '../../optional-packages.js'
import type { Connection, QueryResult } from '../connection.js'
import { nestTransaction, type SavepointGrammar } from '../nested-transaction.js'

/** The `pg` driver, loaded on first use (an optional peer dependency). */
const pgDriver = () => requireOptional<typeof pg>('pg')

// int8 comes back as a JS number where it fits (count(*), bigint ids). Set per pool, not on
// pg's global parsers, so the application's own use of `pg` is left as it was.
const INT8 = 20
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (v: string) => {
          const n = Number(v)
          return Number.isSafeInteger(n) ? n : v
        }
      : pgDriver().types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>
}

const PG_SAVEPOINTS: SavepointGrammar = { begin: 'BEGIN', rollbackTo: (sp) => `ROLLBACK TO SAVEPOINT ${sp}` }

/** One session: a pooled client held for its duration. Transactions nest as savepoints. */
class PgSession implements Connection {
  depth = 0
  constructor(private readonly client: Queryable) {}
  async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const r = await this.client.query(sql, params as unknown[] | undefined)
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 }
  }
  async exec(sql: string) {
    await this.client.query(sql)
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return nestTransaction(this, PG_SAVEPOINTS, (sql) => this.client.query(sql), () => fn(this))
  }
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return fn(this)
  }
  async close() {}
  /** The TCP ports of this session's socket (undefined for PGlite and Unix sockets). */
  socketPorts(): { local: number; remote: number } | undefined {
    const stream = (this.client as { connection?: { stream?: { localPort?: number; remotePort?: number } } }).connection?.stream
    return stream?.localPort && stream.remotePort ? { local: stream.localPort, remote: stream.remotePort } : undefined
  }
}

/** The socket ports of a PostgreSQL session, looking through wrappers (CountingConnection). */
export function pgSocketPorts(conn: Connection): { local: number; remote: number } | undefined {
  let c: unknown = conn
  for (let i = 0; i < 8 && c && !(c instanceof PgSession); i++) c = (c as { inner?: unknown }).inner
  return c instanceof PgSession ? c.socketPorts() : undefined
}

/** A PostgreSQL server through a `pg` pool. */
export class PgPoolConnection implements Connection {
  readonly pool: pg.Pool
  constructor(config: pg.PoolConfig) {
    this.pool = new (pgDriver().Pool)({ types, ...config })
    // An idle client's error (server restart) must not crash the process.
    this.pool.on('error', () => {})
  }
  async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const r = await this.pool.query(sql, params as unknown[] | undefined)
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 }
  }
  async exec(sql: string) {
    await this.pool.query(sql)
  }
  async session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    let broken = false
    try {
      return await fn(new PgSession(client))
    } catch (e) {
      broken = isConnectionLost(e)
      throw e
    } finally {
      client.release(broken)
    }
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.session((s) => s.transaction(fn))
  }
  async close() {
    await this.pool.end()
  }
}

function isConnectionLost(e: unknown) {
  return /terminat|Connection terminated|ECONNRESET/i.test(String((e as Error)?.message))
}

/** PGlite (embedded PostgreSQL): one session, so `session` and `transaction` serialise on it. */
export class PgliteConnection implements Connection {
  private queue: Promise<unknown> = Promise.resolve()
  private readonly session0: PgSession
  constructor(
    readonly db: { query(sql: string, params?: unknown[]): Promise<{ rows: any[]; affectedRows?: number }>; exec(sql: string): Promise<unknown>; close(): Promise<void> },
    private readonly ownsDb = true,
  ) {
    this.session0 = new PgSession({
      query: async (sql, params) => {
        const r = params && params.length ? await db.query(sql, params) : await db.query(sql)
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length }
      },
    })
  }
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }
  query<R>(sql: string, params?: readonly unknown[]) {
    return this.serial(() => this.session0.query<R>(sql, params))
  }
  exec(sql: string) {
    return this.serial(() => this.db.exec(sql).then(() => {}))
  }
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.serial(() => fn(this.session0))
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.serial(() => this.session0.transaction(fn))
  }
  async close() {
    if (this.ownsDb) await this.serial(() => this.db.close())
  }
}
