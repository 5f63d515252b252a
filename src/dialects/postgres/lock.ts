import type { Connection } from '../connection.js'
import type { LockOptions } from '../dialect.js'
import { ShipshapeError } from '../../errors.js'
import { withLeaseLock } from '../lease-lock.js'
import { lockTimeoutMs, pollForLock } from '../lock-wait.js'
import { pgSocketPorts } from './connection.js'
import { postgresLockKey } from './lock-key.js'
import { postgresLeaseSql, XactLockedConnection } from './lock-lease.js'

/**
 * Holds the migration lock around `fn`. Connected directly (or through a session pooler that
 * shows itself as direct), PostgreSQL's session advisory lock, polled with backoff so the wait
 * is bounded. Through a proxy, where a transaction pooler may run each transaction on another
 * server connection and a session lock would be stranded there, a leased lock row plus a
 * transaction-level advisory lock in the migration transaction (see `withPooledPostgresLock`).
 */
export async function withPostgresLock<T>(
  conn: Connection,
  options: LockOptions,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  const timeoutMs = lockTimeoutMs(options)
  const key = postgresLockKey(options.scope)
  return conn.session(async (s) => {
    if (await isBehindProxy(s)) return withPooledPostgresLock(s, conn, options, fn)
    await pollForLock(
      async () => !!(await s.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', key)).rows[0]?.ok,
      { timeoutMs, onWait: options.onWait },
      () =>
        new ShipshapeError(
          'LOCK_TIMEOUT',
          `Another process has held the migration lock for over ${timeoutMs} ms; gave up waiting. ` +
            `Raise lockTimeout or find the process (pg_locks, locktype 'advisory').`,
        ),
    )
    try {
      return await fn(s)
    } finally {
      await s.query('SELECT pg_advisory_unlock($1, $2)', key).catch(() => {})
    }
  })
}

/**
 * The pooler-safe lock: a lease row (holder, expiry, renewed while held) spans the whole
 * migration, including statements that run outside a transaction (CREATE INDEX CONCURRENTLY),
 * and every migration transaction also takes `pg_try_advisory_xact_lock`, released at COMMIT.
 */
export function withPooledPostgresLock<T>(
  s: Connection,
  pool: Connection,
  options: LockOptions,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  // A tenant's lock (scope) is its own row and key, as with the session lock.
  const row = options.scope === undefined ? 'migration' : `migration:${options.scope}`
  return withLeaseLock(s, pool, postgresLeaseSql, row, options, (c) => fn(new XactLockedConnection(c, postgresLockKey(options.scope), options)))
}

/**
 * True when something sits between us and the server (PgBouncer, pgcat, RDS Proxy): the server
 * sees our connection arrive from another port than the one our socket has. One query, on a
 * session that the lock uses anyway.
 */
async function isBehindProxy(s: Connection): Promise<boolean> {
  const ports = pgSocketPorts(s)
  if (!ports) return false
  const r = await s.query<{ client_port: number | null; server_port: number | null }>(
    'SELECT inet_client_port() AS client_port, inet_server_port() AS server_port',
  )
  const row = r.rows[0]
  if (!row || row.client_port == null || row.server_port == null) return false
  return row.client_port !== ports.local || row.server_port !== ports.remote
}
