import type { Connection } from '../connection.js'
import type { LockOptions } from '../dialect.js'
import { LOCK_TABLE, withLeaseLock, type LeaseSql } from '../lease-lock.js'
import { ShipshapeError } from '../../errors.js'

const T = `\`${LOCK_TABLE}\``
const expiry = 'TIMESTAMPADD(MICROSECOND, ?, UTC_TIMESTAMP(6))'

/** ER_LOCK_DEADLOCK (also a Galera certification failure), ER_DUP_ENTRY, ER_LOCK_WAIT_TIMEOUT: another node or session won. */
const LOST_RACE = new Set([1213, 1062, 1205])

/**
 * The lease row on MySQL/MariaDB, read and taken in one short transaction. On Galera the row
 * lock of SELECT … FOR UPDATE is node-local, but two nodes taking the row at once write the same
 * key, and certification aborts all but the first commit in the cluster's total order.
 */
export const mysqlLeaseSql: LeaseSql = {
  async ensureTable(conn) {
    await conn.exec(
      `CREATE TABLE IF NOT EXISTS ${T} (lock_key VARCHAR(191) NOT NULL PRIMARY KEY, holder VARCHAR(191) NOT NULL, expires_at DATETIME(6) NOT NULL) ENGINE=InnoDB`,
    )
  },
  async tryAcquire(conn, key, holder, leaseMs) {
    try {
      return await conn.transaction(async (tx) => {
        const r = await tx.query<{ holder: string; expired: number }>(
          `SELECT holder, expires_at < UTC_TIMESTAMP(6) AS expired FROM ${T} WHERE lock_key = ? FOR UPDATE`,
          [key],
        )
        const row = r.rows[0]
        if (!row) await tx.query(`INSERT INTO ${T} (lock_key, holder, expires_at) VALUES (?, ?, ${expiry})`, [key, holder, leaseMs * 1000])
        else if (row.holder === holder || Number(row.expired) === 1)
          await tx.query(`UPDATE ${T} SET holder = ?, expires_at = ${expiry} WHERE lock_key = ?`, [holder, leaseMs * 1000, key])
        else return false
        return true
      })
    } catch (e) {
      const errno = (e as { errno?: number }).errno ?? ((e as { cause?: { errno?: number } }).cause?.errno)
      if (errno !== undefined && LOST_RACE.has(errno)) return false
      throw e
    }
  },
  async renew(conn, key, holder, leaseMs) {
    const r = await conn.query(`UPDATE ${T} SET expires_at = ${expiry} WHERE lock_key = ? AND holder = ?`, [leaseMs * 1000, key, holder])
    return r.rowCount === 1
  },
  async release(conn, key, holder) {
    await conn.query(`DELETE FROM ${T} WHERE lock_key = ? AND holder = ?`, [key, holder])
  },
  async describe(conn, key) {
    const r = await conn.query<{ holder: string; expires: string }>(
      `SELECT holder, DATE_FORMAT(expires_at, '%Y-%m-%dT%TZ') AS expires FROM ${T} WHERE lock_key = ?`,
      [key],
    )
    const row = r.rows[0]
    return row && `${row.holder} until ${row.expires}`
  },
}

/** Galera's settings that matter to a migration, or undefined when the server isn't a Galera node. */
export async function readGalera(s: Connection): Promise<{ osuMethod: string } | undefined> {
  const r = await s.query<{ Variable_name: string; Value: string }>(`SHOW VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_OSU_method')`)
  const vars = new Map(r.rows.map((row) => [row.Variable_name.toLowerCase(), row.Value]))
  return vars.get('wsrep_on') === 'ON' ? { osuMethod: vars.get('wsrep_osu_method') ?? 'TOI' } : undefined
}

/**
 * The migration lock on a Galera node. GET_LOCK is node-local (each node grants it once), so the
 * lock is a leased row instead; reads wait for every write-set already ordered in the cluster
 * (`wsrep_sync_wait = 1`), so introspection sees DDL another node applied a moment ago; and DDL
 * must replicate in total order (TOI): under RSU each node would be altered on its own.
 */
export async function withGaleraLock<T>(
  s: Connection,
  pool: Connection,
  galera: { osuMethod: string },
  options: LockOptions,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  if (galera.osuMethod.toUpperCase() !== 'TOI')
    throw new ShipshapeError(
      'UNSUPPORTED_TOPOLOGY',
      `This Galera node applies DDL with wsrep_OSU_method = ${galera.osuMethod}, which alters one node at a time and leaves the cluster's schemas apart. ` +
        `Migrate with wsrep_OSU_method = TOI (the default), or run RSU schema changes by hand, node by node.`,
    )
  await s.exec('SET SESSION wsrep_sync_wait = 1')
  try {
    return await withLeaseLock(s, pool, mysqlLeaseSql, 'migration', options, fn)
  } finally {
    await s.exec('SET SESSION wsrep_sync_wait = DEFAULT').catch(() => {})
  }
}
