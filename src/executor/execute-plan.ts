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
const BATCH_STATEMENTS = 200
const BATCH_BYTES = 256 * 1024

function batches<T extends { statement: PlanStatement }>(items: T[], size = BATCH_STATEMENTS): T[][] {
  const out: T[][] = []
  let cur: T[] = []
  let bytes = 0
  for (const item of items) {
    if (cur.length && (cur.length >= size || bytes + item.statement.sql.length > BATCH_BYTES)) {
      out.push(cur)
      cur = []
      bytes = 0
    }
    cur.push(item)
    bytes += item.statement.sql.length
  }
  if (cur.length) out.push(cur)
  return out
}

/** Waiting politely for table locks: a short lock timeout, and retries with backoff. */
export interface LockWait {
  ms: number
  retries: number
  set(ms: number, local: boolean): string
  reset: string
  isTimeout(e: unknown): boolean
}

async function withLockRetries<T>(wait: LockWait | undefined, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause ?? e
      if (!wait || attempt >= wait.retries || !(wait.isTimeout(e) || wait.isTimeout(cause))) throw e
      // Back off, with jitter so that several migrators don't retry in step.
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5000) * (0.5 + Math.random())))
    }
  }
}

export async function executePlan(
  conn: Connection,
  plan: Plan,
  options: { transactionalDdl: boolean; lockWait?: LockWait; batchSize?: number } & ExecuteProgress,
): Promise<number> {
  const wait = options.lockWait
  // A statement marked `combinedInto` is carried by another change's combined statement (MySQL).
  const all = plan.changes.flatMap((change) =>
    change.statements.filter((s) => s.combinedInto === undefined).map((statement) => ({ change, statement })),
  )
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
          (options.transactionalDdl && !item.statement.isNonTransactional ? '\n  The transaction was rolled back; the schema is unchanged.' : '') +
          (!options.transactionalDdl ? resumeHint(done, all.length) : ''),
        item.statement.sql,
        { cause: e },
      )
    }
    done++
  }
  if (!options.transactionalDdl) {
    // DDL commits itself (MySQL): nothing to share a transaction with, so statements run one by
    // one in plan order. Each is a single atomic statement, so a failure leaves the schema at a
    // statement boundary, and the next run (which introspects and diffs afresh) plans exactly
    // what is left: the database itself is the record of progress.
    for (const item of all) await run(conn, item)
    return done
  }
  if (inTx.length) {
    if (options.transactionalDdl) {
      try {
        // Statements go in batches (one round trip each): a fresh schema of 500 models is
        // thousands of statements, and a round trip apiece would dominate the run.
        await withLockRetries(wait, () => conn.transaction(async (tx) => {
          done = 0
          if (wait) await tx.exec(wait.set(wait.ms, true))
          for (const batch of batches(inTx, options.batchSize)) {
            if (options.onStatement) batch.forEach((item, k) => options.onStatement!(done + k, all.length, item.statement, item.change))
            await tx.exec(batch.map((b) => b.statement.sql).join(';\n'))
            done += batch.length
          }
        }))
      } catch {
        // The transaction rolled back. Run it again a statement at a time to name the one
        // that fails (if the failure was transient, this attempt simply succeeds).
        await withLockRetries(wait, () => conn.transaction(async (tx) => {
          done = 0
          if (wait) await tx.exec(wait.set(wait.ms, true))
          for (const item of inTx) await run(tx, item)
        }))
      }
    } else for (const item of inTx) await run(conn, item)
  }
  if (outside.length) {
    if (wait) await conn.exec(wait.set(wait.ms, false))
    try {
      for (const item of outside) await withLockRetries(wait, () => run(conn, item))
    } finally {
      if (wait) await conn.exec(wait.reset).catch(() => {})
    }
  }
  return done
}

function resumeHint(applied: number, total: number): string {
  return (
    `\n  ${applied} of ${total} statement(s) before it were applied and stay applied (DDL is not transactional here). ` +
    `Fix the cause and run the migration again: it reads the schema afresh and applies only what is left.`
  )
}
