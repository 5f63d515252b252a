import type { Change } from '../schema/changes.js'
import type { Table } from '../schema/ir.js'
import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'

/**
 * Locks one change takes until its transaction ends, estimated on the high side. PostgreSQL
 * keeps every lock a transaction takes in a shared table of `max_locks_per_transaction ×
 * (max_connections + max_prepared_transactions)` entries (6,400 by default); a plan creating
 * thousands of tables in one transaction runs out ("out of shared memory").
 * https://www.postgresql.org/docs/current/runtime-config-locks.html
 */
export function locksOfChange(change: Change): number {
  switch (change.kind) {
    case 'create-table':
    case 'drop-table':
      return locksOfTable(change.table)
    case 'rebuild-table':
      return locksOfTable(change.from) + locksOfTable(change.to)
    case 'add-foreign-key':
    case 'drop-foreign-key':
      return 3
    default:
      // The table and, for an index, the index.
      return 2
  }
}

/** The table, its primary-key index, TOAST table and TOAST index, each sequence and index, each table a foreign key references. */
function locksOfTable(t: Table): number {
  return 4 + t.columns.filter((c) => c.isAutoIncrement).length + t.indexes.length + 2 * t.foreignKeys.length
}

/** The share of the server's lock table one migration transaction may fill: the rest is for everyone else. */
export const LOCK_BUDGET_SHARE = 0.5

/**
 * Cuts items (in plan order, which is dependency order) into consecutive groups whose estimated
 * locks fit `perTransaction`. A group never splits one change's statements. One group when it all fits.
 */
export function splitByLocks<T extends { change: { change: Change } }>(items: T[], perTransaction: number): T[][] {
  const groups: T[][] = []
  let cur: T[] = []
  let locks = 0
  let last: unknown
  for (const item of items) {
    const isNewChange = item.change !== last
    const need = isNewChange ? locksOfChange(item.change.change) : 0
    if (isNewChange && cur.length && locks + need > perTransaction) {
      groups.push(cur)
      cur = []
      locks = 0
    }
    cur.push(item)
    locks += need
    last = item.change
  }
  if (cur.length) groups.push(cur)
  return groups
}

/** The locks one migration transaction may take on this server, or undefined when the engine has no such limit. */
export async function locksPerTransaction(dialect: Dialect, conn: Connection): Promise<number | undefined> {
  if (!dialect.capabilities.supportsTransactionalDdl || !dialect.lockBudget) return undefined
  const budget = await dialect.lockBudget(conn)
  return budget ? Math.max(1, Math.floor(budget * LOCK_BUDGET_SHARE)) : undefined
}
