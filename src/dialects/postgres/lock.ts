import type { Connection } from '../connection.js'
import type { LockOptions } from '../dialect.js'
import { ShipshapeError } from '../../errors.js'
import { postgresLockKey } from './lock-key.js'

/**
 * Holds PostgreSQL's session advisory lock around `fn`, polling with backoff so the wait
 * is bounded and a waiting process doesn't sit in the lock queue.
 */
export async function withPostgresLock<T>(
  conn: Connection,
  options: LockOptions,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000
  const key = postgresLockKey(options.scope)
  return conn.session(async (s) => {
    const started = Date.now()
    let delay = 20
    for (;;) {
      const r = await s.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', key)
      if (r.rows[0]?.ok) break
      if (Date.now() - started > timeoutMs)
        throw new ShipshapeError(
          'LOCK_TIMEOUT',
          `Another process has held the migration lock for over ${timeoutMs} ms; gave up waiting. ` +
            `Raise lockTimeout or find the process (pg_locks, locktype 'advisory').`,
        )
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 500)
    }
    try {
      return await fn(s)
    } finally {
      await s.query('SELECT pg_advisory_unlock($1, $2)', key).catch(() => {})
    }
  })
}
