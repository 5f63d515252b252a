import type { Connection } from '../dialects/connection.js'
import { backoffMs } from '../dialects/lock-wait.js'
import { describeStatementFailure, MigrationError } from '../errors.js'
import { statementsToRun, type Plan, type PlannedChange, type PlanStatement, type PlanStep } from '../schema/plan.js'
import { splitByLocks } from './lock-budget.js'

export interface ExecuteProgress {
  /** Called before each statement: its position, the total, and the change it belongs to. */
  onStatement?(index: number, total: number, statement: PlanStatement, change: PlannedChange): void
}

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

export async function withLockRetries<T>(wait: LockWait | undefined, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause ?? e
      if (!wait || attempt >= wait.retries || !(wait.isTimeout(e) || wait.isTimeout(cause))) throw e
      await new Promise((r) => setTimeout(r, backoffMs(attempt, { firstMs: 200, maxMs: 5000, hasJitter: true })))
    }
  }
}

export interface ExecuteOptions extends ExecuteProgress {
  transactionalDdl: boolean
  lockWait?: LockWait
  batchSize?: number
  /** Most locks one transaction may take (the server's lock budget share); absent means one transaction. */
  locksPerTransaction?: number
  /** Runs one statement with its `fallbacks` (the dialect's `runStatement`); absent: `exec` of its SQL. */
  runStatement?: (conn: Connection, statement: PlanStatement) => Promise<void>
}

/** One run of a plan: its statements and how many of them are done. */
interface Run {
  plan: Plan
  options: ExecuteOptions
  all: PlanStep[]
  done: number
}

/**
 * Runs a plan's statements: those that can share a transaction in one (where DDL is
 * transactional), then those that can't (CREATE INDEX CONCURRENTLY) one by one.
 */
export async function executePlan(conn: Connection, plan: Plan, options: ExecuteOptions): Promise<number> {
  const { all, inTransaction, outside } = statementsToRun(plan.changes)
  const run: Run = { plan, options, all, done: 0 }
  if (!options.transactionalDdl) {
    // DDL commits itself (MySQL): nothing to share a transaction with, so statements run one by
    // one in plan order. Each is a single atomic statement, so a failure leaves the schema at a
    // statement boundary, and the next run (which introspects and diffs afresh) plans exactly
    // what is left: the database itself is the record of progress.
    for (const item of all) await runStatement(run, conn, item)
    return run.done
  }
  if (inTransaction.length) await runInTransactions(run, conn, inTransaction)
  if (outside.length) await runOutsideTransactions(run, conn, outside)
  return run.done
}

/** Runs one statement, naming the change and the SQL when it fails. */
async function runStatement(run: Run, c: Connection, item: PlanStep, rolledBack?: string) {
  const { options, all } = run
  options.onStatement?.(run.done, all.length, item.statement, item.change)
  try {
    await (options.runStatement ? options.runStatement(c, item.statement) : c.exec(item.statement.sql))
  } catch (e) {
    throw new MigrationError(
      `Migration failed at "${item.change.summary}": ${describeStatementFailure(e, item.statement.sql)}` +
        (options.transactionalDdl && !item.statement.isNonTransactional ? (rolledBack ?? '\n  The transaction was rolled back; the schema is unchanged.') : '') +
        (!options.transactionalDdl ? resumeHint(run.done, all.length) : ''),
      item.statement.sql,
      { cause: e },
    )
  }
  run.done++
}

async function runInTransactions(run: Run, conn: Connection, inTx: PlanStep[]) {
  const { options, all } = run
  const wait = options.lockWait
  // A plan whose locks don't fit the server's lock table runs as several transactions, cut in
  // plan (dependency) order. Each commits before the next starts, so a failure or a kill leaves
  // the schema at a transaction boundary and the next run plans exactly what is left.
  const groups = options.locksPerTransaction ? splitByLocks(inTx, options.locksPerTransaction) : [inTx]
  if (groups.length > 1)
    run.plan.split = {
      transactions: groups.length,
      reason:
        `the plan takes more locks than one transaction may (${options.locksPerTransaction} of the server's ` +
        `max_locks_per_transaction × (max_connections + max_prepared_transactions)); it ran as ${groups.length} transactions in dependency order`,
    }
  for (const [k, group] of groups.entries()) {
    const base = run.done
    try {
      // Statements go in batches (one round trip each): a fresh schema of 500 models is
      // thousands of statements, and a round trip apiece would dominate the run.
      await withLockRetries(wait, () => conn.transaction(async (tx) => {
        run.done = base
        if (wait) await tx.exec(wait.set(wait.ms, true))
        for (const batch of batches(group, options.batchSize)) {
          if (options.onStatement) batch.forEach((item, j) => options.onStatement!(run.done + j, all.length, item.statement, item.change))
          await tx.exec(batch.map((b) => b.statement.sql).join(';\n'))
          run.done += batch.length
        }
      }))
    } catch {
      // The transaction rolled back. Run it again a statement at a time to name the one
      // that fails (if the failure was transient, this attempt simply succeeds).
      await withLockRetries(wait, () => conn.transaction(async (tx) => {
        run.done = base
        if (wait) await tx.exec(wait.set(wait.ms, true))
        for (const item of group) await runStatement(run, tx, item, groups.length > 1 ? splitHint(k, groups.length) : undefined)
      }))
    }
  }
}

/** Statements that can't run in a transaction (CREATE INDEX CONCURRENTLY), one by one after the rest. */
async function runOutsideTransactions(run: Run, conn: Connection, outside: PlanStep[]) {
  // Behind a transaction pooler a session SET would stay on whichever server connection ran
  // it: these statements then wait for their locks without a lock_timeout.
  const wait = conn.isTransactionPooled ? undefined : run.options.lockWait
  if (wait) await conn.exec(wait.set(wait.ms, false))
  try {
    // A statement that gave way under lock_timeout is retried with the rest of its change from the
    // change's first statement: a concurrent build that timed out while waiting for writers leaves
    // its invalid index behind, and only the DROP … IF EXISTS before it clears the name.
    for (const steps of byChange(outside)) {
      const base = run.done
      await withLockRetries(wait, async () => {
        run.done = base
        for (const item of steps) await runStatement(run, conn, item)
      })
    }
  } finally {
    if (wait) await conn.exec(wait.reset).catch(() => {})
  }
}

/** Runs of consecutive steps that belong to one change. */
function byChange(steps: PlanStep[]): PlanStep[][] {
  const out: PlanStep[][] = []
  for (const step of steps) {
    const last = out.at(-1)
    if (last && last[0]!.change === step.change) last.push(step)
    else out.push([step])
  }
  return out
}

function splitHint(k: number, n: number): string {
  return (
    `\n  Transaction ${k + 1} of ${n} was rolled back; the ${k} before it are committed. ` +
    `Fix the cause and run the migration again: it reads the schema afresh and applies only what is left.`
  )
}

function resumeHint(applied: number, total: number): string {
  return (
    `\n  ${applied} of ${total} statement(s) before it were applied and stay applied (DDL is not transactional here). ` +
    `Fix the cause and run the migration again: it reads the schema afresh and applies only what is left.`
  )
}
