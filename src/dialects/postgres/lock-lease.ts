import type { Connection, QueryResult } from '../connection.js'
import type { LockOptions } from '../dialect.js'
import { LOCK_TABLE, type LeaseSql } from '../lease-lock.js'
import { lockTimeoutMs, pollForLock } from '../lock-wait.js'
import { ShipshapeError } from '../../errors.js'

const T = `"${LOCK_TABLE}"`
const expiry = `clock_timestamp() + $3 * interval '1 millisecond'`

/** The lease row on PostgreSQL: one autocommitted statement per step, no session state. */
export const postgresLeaseSql: LeaseSql = {
  async ensureTable(conn) {
    const ddl = `CREATE TABLE IF NOT EXISTS ${T} (lock_key text PRIMARY KEY, holder text NOT NULL, expires_at timestamptz NOT NULL)`
    try {
      await conn.exec(ddl)
    } catch (e) {
      // Two creators at once: IF NOT EXISTS checks before inserting the catalog rows, so the
      // loser gets a unique violation on pg_type (23505) or "relation already exists" (42P07).
      // The table exists now; check once more.
      const code = (e as { code?: string }).code
      if (code !== '23505' && code !== '42P07') throw e
      await conn.exec(ddl)
    }
  },
  async tryAcquire(conn, key, holder, leaseMs) {
    const r = await conn.query(
      `INSERT INTO ${T} AS l (lock_key, holder, expires_at) VALUES ($1, $2, ${expiry})
       ON CONFLICT (lock_key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE l.expires_at < clock_timestamp() OR l.holder = EXCLUDED.holder
       RETURNING holder`,
      [key, holder, leaseMs],
    )
    return r.rows.length === 1
  },
  async renew(conn, key, holder, leaseMs) {
    const r = await conn.query(`UPDATE ${T} SET expires_at = ${expiry} WHERE lock_key = $1 AND holder = $2`, [key, holder, leaseMs])
    return r.rowCount === 1
  },
  async release(conn, key, holder) {
    await conn.query(`DELETE FROM ${T} WHERE lock_key = $1 AND holder = $2`, [key, holder])
  },
  async describe(conn, key) {
    const r = await conn.query<{ holder: string; expires: string }>(
      `SELECT holder, to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires FROM ${T} WHERE lock_key = $1`,
      [key],
    )
    const row = r.rows[0]
    return row && `${row.holder} until ${row.expires}`
  },
}

/**
 * The migration's connection, with a transaction-level advisory lock taken first in every
 * top-level transaction: released by COMMIT or ROLLBACK whichever server connection a pooler
 * gave the transaction, so it can't be stranded, and two migration transactions never overlap
 * even if a lease ran out under a stalled holder.
 */
export class XactLockedConnection implements Connection {
  readonly isTransactionPooled = true
  constructor(
    private readonly inner: Connection,
    private readonly keys: [number, number],
    private readonly options: LockOptions,
  ) {}
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.inner.query<R>(sql, params)
  }
  exec(sql: string) {
    return this.inner.exec(sql)
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.inner.transaction(async (tx) => {
      const timeoutMs = lockTimeoutMs(this.options)
      // Polled rather than waited for: an old session lock stranded on a pooled server
      // connection must end in a clear error, not a hang.
      await pollForLock(
        async () => !!(await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', this.keys)).rows[0]?.ok,
        { timeoutMs },
        () =>
          new ShipshapeError(
            'LOCK_TIMEOUT',
            `Another transaction has held the migration's advisory lock for over ${timeoutMs} ms. ` +
              `Find it in pg_locks (locktype 'advisory'); a session lock stranded on a pooled server connection ends with that connection (PgBouncer: RECONNECT).`,
          ),
      )
      return fn(tx)
    })
  }
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.inner.session((s) => fn(new XactLockedConnection(s, this.keys, this.options)))
  }
  close() {
    return this.inner.close()
  }
}
