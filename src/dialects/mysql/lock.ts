import type { Connection } from '../connection.js'
import type { LockOptions } from '../dialect.js'
import { ShipshapeError } from '../../errors.js'
import { lockTimeoutMs } from '../lock-wait.js'
import { readGalera, withGaleraLock } from './lock-cluster.js'

// Lock names are server-wide and at most 64 characters, so the name hashes the database's:
// one lock per database (https://dev.mysql.com/doc/refman/8.0/en/locking-functions.html).
// A scope (a tenant's database, reached over a connection shared per server) names the same
// lock a connection to that database takes.
const LOCK_NAME = `CONCAT('shipshape:', SHA1(COALESCE(?, DATABASE(), '')))`

/**
 * Holds GET_LOCK on one session around `fn`. The lock belongs to the session, so the whole
 * migration runs on it; it is released explicitly, and by the server if the session dies.
 */
export async function withMysqlLock<T>(
  conn: Connection,
  options: LockOptions,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  const timeoutMs = lockTimeoutMs(options)
  return conn.session((s) => withStrictMode(s, async () => {
    // On a Galera node GET_LOCK would lock that node only: a cluster-wide lease row instead.
    const galera = await readGalera(s)
    if (galera) return withGaleraLock(s, conn, galera, options, fn)
    const r = await s.query<{ ok: number | null }>(`SELECT GET_LOCK(${LOCK_NAME}, ?) AS ok`, [options.scope ?? null, timeoutMs / 1000])
    if (Number(r.rows[0]?.ok) !== 1)
      throw new ShipshapeError(
        'LOCK_TIMEOUT',
        `Another process has held the migration lock for over ${timeoutMs} ms; gave up waiting. ` +
          `Raise lockTimeout, or find the holder: SELECT * FROM performance_schema.metadata_locks WHERE OBJECT_TYPE = 'USER LEVEL LOCK' ` +
          `(MariaDB: information_schema.METADATA_LOCK_INFO).`,
      )
    try {
      return await fn(s)
    } finally {
      await s.query(`SELECT RELEASE_LOCK(${LOCK_NAME})`, [options.scope ?? null]).catch(() => {})
    }
  }))
}

/**
 * The migration's session runs in strict mode (STRICT_ALL_TABLES), whatever the server's sql_mode,
 * and gets its own mode back after. A server without it (older MySQL defaults, many LoopBack-era
 * databases) would have MODIFY cut a too-long value or turn 'abc' into 0 with only a warning: a row
 * written between the data checks and the ALTER would lose data silently. Strict, the statement fails
 * and the table is left as it was. https://dev.mysql.com/doc/refman/8.0/en/sql-mode.html#sql-mode-strict
 */
async function withStrictMode<T>(s: Connection, fn: () => Promise<T>): Promise<T> {
  const before = (await s.query<{ mode: string }>('SELECT @@SESSION.sql_mode AS mode')).rows[0]?.mode ?? ''
  if (before.split(',').includes('STRICT_ALL_TABLES')) return fn()
  await s.exec(`SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')`)
  try {
    return await fn()
  } finally {
    await s.query('SET SESSION sql_mode = ?', [before]).catch(() => {})
  }
}
