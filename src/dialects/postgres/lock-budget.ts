import type { Connection } from '../connection.js'

/**
 * The size of the server's shared lock table: every lock any transaction holds takes an entry
 * (https://www.postgresql.org/docs/current/runtime-config-locks.html#GUC-MAX-LOCKS-PER-TRANSACTION).
 */
export async function postgresLockBudget(conn: Connection): Promise<number | undefined> {
  const r = await conn.query<{ budget: number | string | null }>(
    `SELECT current_setting('max_locks_per_transaction')::int8 *
            (current_setting('max_connections')::int8 + current_setting('max_prepared_transactions')::int8) AS budget`,
  )
  const budget = Number(r.rows[0]?.budget)
  return Number.isFinite(budget) && budget > 0 ? budget : undefined
}
