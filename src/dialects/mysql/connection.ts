import type * as mysql from 'mysql2/promise'
import { requireOptional } from '../../optional-packages.js'
import type { Connection, QueryResult } from '../connection.js'
import type { DmlAdapter } from '../dml-adapter.js'
import { nestTransaction, type SavepointGrammar } from '../nested-transaction.js'

/**
 * Every session starts the same way whatever the server's defaults: backslash escapes on
 * (quoteMysqlLiteral and mysql2's client-side escaping both rely on it) and UTC, so
 * CURRENT_TIMESTAMP and DATETIME values read and written through mysql2 (`timezone: 'Z'`) agree.
 */
const SESSION_SETUP =
  `SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', ''), ',,', ',')), ` +
  `time_zone = '+00:00'`

interface Driver {
  query(options: { sql: string; values?: unknown[] }): Promise<[unknown, unknown]>
}

function toResult<R>(result: unknown): QueryResult<R> {
  if (Array.isArray(result)) return { rows: result as R[], rowCount: result.length }
  const header = result as { affectedRows?: number; insertId?: number | bigint }
  return {
    rows: [],
    rowCount: header.affectedRows ?? 0,
    ...(header.insertId ? { insertId: header.insertId } : {}),
  }
}

async function run<R>(driver: Driver, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  const [result] = await driver.query(params && params.length ? { sql, values: params as unknown[] } : { sql })
  return toResult<R>(result)
}

/** Runs exactly the SQL given: a plan's algorithm fallbacks are its own statements (see `runMysqlStatement`). */
async function exec(driver: Driver, sql: string): Promise<void> {
  await driver.query({ sql })
}

/** What a server is, read once per connection: it decides how repositories insert rows. */
export interface MysqlServer {
  /** `VERSION()`, e.g. `10.11.6-MariaDB` or `8.0.36`. */
  version: string
  isMariadb: boolean
  /** `@@innodb_autoinc_lock_mode`; undefined when the server has no InnoDB. */
  autoincLockMode?: number
  /** `@@auto_increment_increment`: the step between generated ids. */
  autoIncrementIncrement: number
  /** `@@max_allowed_packet`, in bytes. */
  maxAllowedPacket: number
}

const detected = new WeakMap<Connection, Promise<MysqlServer>>()

/** Reads the server's flavour, version and id-generation settings once per connection (one query). */
export function detectMysqlServer(conn: Connection): Promise<MysqlServer> {
  let found = detected.get(conn)
  if (!found) {
    found = readMysqlServer(conn)
    detected.set(conn, found)
    found.catch(() => detected.delete(conn))
  }
  return found
}

async function readMysqlServer(conn: Connection): Promise<MysqlServer> {
  const common = 'VERSION() AS v, @@auto_increment_increment AS inc, @@max_allowed_packet AS packet'
  let row: { v: string; inc: unknown; packet: unknown; mode?: unknown }
  try {
    row = (await conn.query<typeof row>(`SELECT ${common}, @@innodb_autoinc_lock_mode AS mode`)).rows[0]!
  } catch {
    // No InnoDB (the variable is unknown): no promise about consecutive ids.
    row = (await conn.query<typeof row>(`SELECT ${common}`)).rows[0]!
  }
  return {
    version: String(row.v),
    isMariadb: /mariadb/i.test(String(row.v)),
    ...(row.mode != null ? { autoincLockMode: Number(row.mode) } : {}),
    autoIncrementIncrement: Number(row.inc) || 1,
    maxAllowedPacket: Number(row.packet) || 4 * 1024 * 1024,
  }
}

/** Version `a.b.c` at least `major.minor`. */
function isAtLeast(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version)
  if (!m) return false
  const [a, b] = [Number(m[1]), Number(m[2])]
  return a > major || (a === major && b >= minor)
}

/** What this server changes in how repositories insert (see `DmlAdapter.forConnection`). */
export function mysqlServerCapabilities(server: MysqlServer): Partial<DmlAdapter> {
  return {
    // MariaDB 10.5 added INSERT … RETURNING (https://mariadb.com/kb/en/insertreturning/); MySQL has none.
    supportsReturning: server.isMariadb && isAtLeast(server.version, 10, 5),
    // Lock modes 0 ("traditional") and 1 ("consecutive") give a multi-row INSERT consecutive ids;
    // 2 ("interleaved", MySQL 8's default) does not:
    // https://dev.mysql.com/doc/refman/8.0/en/innodb-auto-increment-handling.html
    ...(server.autoincLockMode === 0 || server.autoincLockMode === 1 ? { insertIdStep: server.autoIncrementIncrement } : {}),
    maxStatementBytes: server.maxAllowedPacket,
  }
}

const MYSQL_SAVEPOINTS: SavepointGrammar = { begin: 'START TRANSACTION', rollbackTo: (sp) => `ROLLBACK TO SAVEPOINT ${sp}` }

/** One session held for its duration. Transactions nest as savepoints. */
class MysqlSession implements Connection {
  depth = 0
  constructor(private readonly conn: mysql.PoolConnection) {}
  query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return run<R>(this.conn, sql, params)
  }
  exec(sql: string): Promise<void> {
    return exec(this.conn, sql)
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return nestTransaction(this, MYSQL_SAVEPOINTS, (sql) => this.conn.query(sql), () => fn(this))
  }
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return fn(this)
  }
  async close() {}
}

export interface MysqlConnectionOptions {
  url?: string
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
  max?: number
}

/**
 * MySQL or MariaDB through a mysql2 pool. Values are bound by mysql2 (`?` placeholders);
 * one statement per call (multipleStatements stays off, so `exec` runs a single statement).
 */
export class MysqlPoolConnection implements Connection {
  readonly pool: mysql.Pool
  constructor(options: MysqlConnectionOptions) {
    this.pool = requireOptional<typeof mysql>('mysql2', 'mysql2/promise').createPool({
      ...(options.url ? { uri: options.url } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.database !== undefined ? { database: options.database } : {}),
      connectionLimit: options.max ?? 10,
      connectTimeout: 10_000,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      supportBigNumbers: true,
      multipleStatements: false,
    })
    this.pool.on('connection', (core) => {
      ;(core as unknown as { query(sql: string, cb: (err: unknown) => void): void }).query(SESSION_SETUP, () => {})
    })
  }
  query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return run<R>(this.pool, sql, params)
  }
  exec(sql: string): Promise<void> {
    return exec(this.pool, sql)
  }
  async session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection()
    let broken = false
    try {
      return await fn(new MysqlSession(conn))
    } catch (e) {
      broken = isConnectionLost(e)
      throw e
    } finally {
      if (broken) conn.destroy()
      else conn.release()
    }
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.session((s) => s.transaction(fn))
  }
  /** The server behind the pool, read on first use and kept. */
  server(): Promise<MysqlServer> {
    return detectMysqlServer(this)
  }
  async close() {
    await this.pool.end()
  }
}

function isConnectionLost(e: unknown) {
  const code = (e as { code?: string })?.code ?? ''
  return /PROTOCOL_CONNECTION_LOST|ECONNRESET|EPIPE|ER_SERVER_SHUTDOWN/.test(code)
}
