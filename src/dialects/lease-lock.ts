import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { Connection } from './connection.js'
import type { LockOptions } from './dialect.js'
import { lockTimeoutMs, pollForLock } from './lock-wait.js'
import { ShipshapeError } from '../errors.js'

/** The table holding lease locks, in the connection's default schema or database. */
export const LOCK_TABLE = 'shipshape_migration_lock'

/**
 * How one engine reads and writes the lease row. Each call is one autocommitted statement or
 * one short transaction, so nothing depends on session state: the lock survives a transaction
 * pooler (PgBouncer) that hands every transaction to a different server connection, and on a
 * Galera cluster the conflicting writes of two nodes fail certification on all but one.
 */
export interface LeaseSql {
  /** Creates the lock table if it is missing (tolerating a concurrent creator). */
  ensureTable(conn: Connection): Promise<void>
  /** Takes the lease when it is free, expired or already ours; true when we hold it afterwards. */
  tryAcquire(conn: Connection, key: string, holder: string, leaseMs: number): Promise<boolean>
  /** Extends our lease; false when it is no longer ours. */
  renew(conn: Connection, key: string, holder: string, leaseMs: number): Promise<boolean>
  release(conn: Connection, key: string, holder: string): Promise<void>
  /** Who holds it and until when, for the timeout message. */
  describe(conn: Connection, key: string): Promise<string | undefined>
}

/** Default lease: a holder that dies (kill -9, lost network) blocks others this long at most. */
export const DEFAULT_LEASE_MS = 30_000

/**
 * Holds a leased lock row around `fn`: the row names its holder and an expiry that a timer
 * renews at a third of the lease, so a live holder keeps it however long the migration runs, and
 * a dead one loses it when the lease runs out. `fn` runs on `conn`; renewal uses `renewOn`
 * (a pool), so it never interleaves with the migration's own statements.
 */
export async function withLeaseLock<T>(
  conn: Connection,
  renewOn: Connection,
  sql: LeaseSql,
  key: string,
  options: LockOptions,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  const timeoutMs = lockTimeoutMs(options)
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  await sql.ensureTable(conn)
  await pollForLock(() => sql.tryAcquire(conn, key, holder, leaseMs), { timeoutMs, hasJitter: true, onWait: options.onWait }, async () => {
    const held = await sql.describe(conn, key).catch(() => undefined)
    return new ShipshapeError(
      'LOCK_TIMEOUT',
      `Another process has held the migration lock for over ${timeoutMs} ms; gave up waiting` +
        (held ? ` (held by ${held})` : '') +
        `. Raise lockTimeout, or if that holder is gone, wait for its lease to expire (${leaseMs} ms) ` +
        `or delete its row from ${LOCK_TABLE}.`,
    )
  })
  let lost = false
  let renewing: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    renewing = sql.renew(renewOn, key, holder, leaseMs).then(
      (ok) => void (lost ||= !ok),
      () => {},
    )
  }, Math.max(Math.floor(leaseMs / 3), 50))
  try {
    return await fn(conn)
  } finally {
    clearInterval(timer)
    await renewing
    await sql.release(conn, key, holder).catch(() => {})
    if (lost) process.emitWarning(`Shipshape: the migration lock's lease (${leaseMs} ms) expired while it was held; renewal could not reach the database.`)
  }
}
