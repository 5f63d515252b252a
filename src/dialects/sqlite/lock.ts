import type { Connection } from '../connection.js'
import type { LockOptions } from '../dialect.js'
import { ShipshapeError } from '../../errors.js'
import { lockTimeoutMs, pollForLock } from '../lock-wait.js'
import { SqliteSession } from './connection.js'

/**
 * SQLite's migration lock is an IMMEDIATE transaction: it takes the write lock before
 * introspection, so a second process waits and then sees the finished schema.
 * Foreign keys are switched off around it (the pragma is a no-op inside a transaction)
 * so table rebuilds cascade nothing, and checked before commit.
 */
export async function withSqliteLock<T>(
  conn: Connection,
  options: LockOptions,
  fn: (conn: Connection) => Promise<T>,
): Promise<T> {
  const timeoutMs = lockTimeoutMs(options)
  return conn.session(async (s) => {
    if (!(s instanceof SqliteSession)) throw new Error('SQLite lock needs a SQLite session')
    const fkWasOn = (await s.query<{ foreign_keys: number }>('PRAGMA foreign_keys')).rows[0]?.foreign_keys === 1
    await s.exec('PRAGMA foreign_keys = OFF')
    try {
      const beginImmediate = () => {
        try {
          s.begin('IMMEDIATE')
          return true
        } catch (e) {
          if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e
          return false
        }
      }
      await pollForLock(
        beginImmediate,
        { timeoutMs, firstDelayMs: 50, maxDelayMs: 50, onWait: options.onWait },
        () => new ShipshapeError('LOCK_TIMEOUT', `Another process has held the database's write lock for over ${timeoutMs} ms; gave up waiting.`),
      )
      try {
        const before = (await s.query<{ schema_version: number }>('PRAGMA schema_version')).rows[0]?.schema_version
        const result = await fn(s)
        const after = (await s.query<{ schema_version: number }>('PRAGMA schema_version')).rows[0]?.schema_version
        if (fkWasOn && before !== after) {
          const bad = (await s.query<Record<string, unknown>>('PRAGMA foreign_key_check')).rows
          if (bad.length)
            throw new ShipshapeError(
              'FOREIGN_KEY_VIOLATION',
              `The migration would leave ${bad.length} row(s) violating foreign keys ` +
                `(first: table "${bad[0]!.table}" rowid ${bad[0]!.rowid} → "${bad[0]!.parent}"); rolled back.`,
            )
        }
        s.depth--
        await s.exec('COMMIT')
        return result
      } catch (e) {
        s.depth = 0
        if (s.db.inTransaction) await s.exec('ROLLBACK')
        throw e
      }
    } finally {
      if (fkWasOn) await s.exec('PRAGMA foreign_keys = ON')
    }
  })
}
