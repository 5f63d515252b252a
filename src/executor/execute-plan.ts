import type { Connection } from '../dialects/connection.js'
import { MigrationError, redactUrl } from '../errors.js'
import type { Plan, PlannedChange, PlanStatement } from '../schema/plan.js'

export interface ExecuteProgress {
  /** Called before each statement: its position, the total, and the change it belongs to. */
  onStatement?(index: number, total: number, statement: PlanStatement, change: PlannedChange): void
}

/**
 * Runs a plan's statements: those that can share a transaction in one (where DDL is
 * transactional), then those that can't (CREATE INDEX CONCURRENTLY) one by one.
 */
export async function executePlan(
  conn: Connection,
  plan: Plan,
  options: { transactionalDdl: boolean } & ExecuteProgress,
): Promise<number> {
  const all = plan.changes.flatMap((change) => change.statements.map((statement) => ({ change, statement })))
  const inTx = all.filter((s) => !s.statement.isNonTransactional)
  const outside = all.filter((s) => s.statement.isNonTransactional)
  let done = 0
  const run = async (c: Connection, item: (typeof all)[number]) => {
    options.onStatement?.(done, all.length, item.statement, item.change)
    try {
      await c.exec(item.statement.sql)
    } catch (e) {
      throw new MigrationError(
        `Migration failed at "${item.change.summary}": ${redactUrl((e as Error).message)}` +
          ((e as { detail?: string }).detail ? ` (${(e as { detail?: string }).detail})` : '') +
          `\n  SQL: ${item.statement.sql}` +
          (options.transactionalDdl && !item.statement.isNonTransactional ? '\n  The transaction was rolled back; the schema is unchanged.' : ''),
        item.statement.sql,
        { cause: e },
      )
    }
    done++
  }
  if (inTx.length) {
    if (options.transactionalDdl) await conn.transaction(async (tx) => { for (const item of inTx) await run(tx, item) })
    else for (const item of inTx) await run(conn, item)
  }
  for (const item of outside) await run(conn, item)
  return done
}
