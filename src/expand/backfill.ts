import type { Connection } from '../dialects/connection.js'
import { tableKey } from '../schema/ir.js'
import type { BackfillProgress, ExpandTable } from './expand-plan.js'
import { BACKFILL_SETTING, renderBackfillBatch, type BackfillSql } from './render-postgres.js'
import { phaseOf, setProgress, type ExpandRecord } from './state.js'

export interface BackfillOptions {
  /** Most rows per batch (one short transaction each). Default 1000. */
  batchSize?: number
  /**
   * Time one batch should take, in ms: batches start at 100 rows; a slower batch shrinks the next,
   * a much faster one grows it (up to `batchSize`), so the batch's row locks and WAL stay small on
   * a busy server. Default 30.
   */
  batchMs?: number
  /** Pause between batches, in ms, leaving room to the application's writes. Default 5. */
  throttleMs?: number
  /** lock_timeout of each batch, in ms: a batch that can't get a lock gives way and is retried smaller. Default 50. */
  batchLockTimeout?: number
  /** Called after every batch. */
  onProgress?(progress: BackfillReport): void
  /** Called once when another process is running the backfill: this one waits for it to end. */
  onWaitForBackfill?(): void
}

export interface BackfillReport {
  table: string
  rowsDone: number
  rowsTotal: number
  /** Rows per second since this run started. */
  rate: number
  /** Estimated time left, in ms (undefined until a rate is known). */
  etaMs?: number
}

/** The defaults, measured on a 1,000,000-row table with two writers (docs/zero-downtime.md). */
export const BACKFILL_DEFAULTS = { batchSize: 1000, batchMs: 30, throttleMs: 5, batchLockTimeout: 50 } as const

const MIN_BATCH = 50

type Settings = Required<Omit<BackfillOptions, 'onProgress' | 'onWaitForBackfill'>> & Pick<BackfillOptions, 'onProgress'>

/**
 * Fills the new columns of rows written before the expand, in key ranges: each batch is one
 * short transaction that also records how far it got, so a killed backfill resumes where the
 * last committed batch ended. Rows written since the expand are already filled by the trigger.
 * Returns false when it stopped because another process aborted the expand meanwhile.
 */
export async function backfill(conn: Connection, record: ExpandRecord, options: BackfillOptions = {}): Promise<boolean> {
  const settings: Settings = {
    batchSize: Math.max(1, options.batchSize ?? BACKFILL_DEFAULTS.batchSize),
    batchMs: Math.max(1, options.batchMs ?? BACKFILL_DEFAULTS.batchMs),
    throttleMs: Math.max(0, options.throttleMs ?? BACKFILL_DEFAULTS.throttleMs),
    batchLockTimeout: Math.max(1, options.batchLockTimeout ?? BACKFILL_DEFAULTS.batchLockTimeout),
    onProgress: options.onProgress,
  }
  for (const t of record.plan.tables) {
    const key = tableKey(t.table)
    const progress: BackfillProgress = record.progress[key] ?? { rowsDone: 0, rowsTotal: 0, isDone: false }
    if (progress.isDone) continue
    if (!(await backfillTable(conn, record, t, progress, settings))) return false
  }
  return true
}

const pause = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve())

function isLockTimeout(e: unknown): boolean {
  const code = (x: unknown) => (x as { code?: string } | undefined)?.code
  // https://www.postgresql.org/docs/current/errcodes-appendix.html: 55P03 lock_not_available
  return code(e) === '55P03' || code((e as { cause?: unknown } | undefined)?.cause) === '55P03'
}

/** The next batch size: keeps a batch near `batchMs`, never over `batchSize`. */
export function nextBatchSize(size: number, tookMs: number, s: Pick<Settings, 'batchSize' | 'batchMs'>): number {
  if (tookMs > s.batchMs) return Math.max(MIN_BATCH, Math.floor((size * s.batchMs) / tookMs))
  if (tookMs < s.batchMs / 2) return Math.min(s.batchSize, Math.ceil(size * 1.5))
  return size
}

/** Backfills one table; false when the expand stopped being in its backfill (aborted by another process). */
async function backfillTable(conn: Connection, record: ExpandRecord, t: ExpandTable, progress: BackfillProgress, s: Settings): Promise<boolean> {
  const key = tableKey(t.table)
  const sql = renderBackfillBatch(t)
  const started = Date.now()
  const doneAtStart = progress.rowsDone
  const report = (p: BackfillProgress) => {
    const seconds = (Date.now() - started) / 1000
    const rate = seconds > 0 ? (p.rowsDone - doneAtStart) / seconds : 0
    const etaMs = rate > 0 ? (Math.max(0, p.rowsTotal - p.rowsDone) / rate) * 1000 : p.isDone ? 0 : undefined
    s.onProgress?.({ table: key, rowsDone: p.rowsDone, rowsTotal: p.rowsTotal, rate, etaMs })
  }
  if (!sql) {
    // Nothing to copy (a rename): every row already reads right in both versions.
    const p = { ...progress, rowsDone: progress.rowsTotal, isDone: true }
    await setProgress(conn, record.plan.schema, record.id, key, p)
    record.progress[key] = p
    report(p)
    return true
  }
  // Start small: the first batches find out how fast this server is now.
  let size = Math.min(s.batchSize, 2 * MIN_BATCH)
  let isRetry = false
  while (!progress.isDone) {
    const t0 = Date.now()
    try {
      const batch = await conn.transaction((tx) => runBatch(tx, record, key, sql, progress, size, s))
      if (!batch) return false
      ;({ progress, isRetry } = batch)
    } catch (e) {
      // An abort drops the columns the batch writes: the batch then fails on them, and stops.
      if (!isLockTimeout(e)) {
        // Unless the phase can't be read either: then the batch's own error says what went wrong.
        const phase = await phaseOf(conn, record.plan.schema, record.id).catch(() => 'backfilling')
        if (phase !== 'backfilling') return false
        throw e
      }
      // The batch gave way to a lock it would have waited for: try again, smaller, a little later.
      size = Math.max(MIN_BATCH, Math.floor(size / 2))
      await pause(s.throttleMs + s.batchLockTimeout)
      continue
    }
    size = nextBatchSize(size, Date.now() - t0, s)
    record.progress[key] = progress
    report(progress)
    // Rows still held by a writer: give it time to commit before looking again.
    if (!progress.isDone) await pause(isRetry ? Math.max(s.throttleMs, s.batchLockTimeout) : s.throttleMs)
  }
  return true
}

/**
 * One batch, in the caller's transaction: the next key range, or, once the ranges are done, the
 * rows skipped because a writer held them. Records how far it got in the same transaction.
 * Undefined when the expand is no longer backfilling (another process aborted it).
 */
async function runBatch(
  tx: Connection,
  record: ExpandRecord,
  key: string,
  sql: BackfillSql,
  progress: BackfillProgress,
  size: number,
  s: Settings,
): Promise<{ progress: BackfillProgress; isRetry: boolean } | undefined> {
  // The trigger stands aside: the batch writes the new columns itself, and only where they are still empty.
  // Its commit waits for its own WAL flush: with synchronous_commit off, the batches' WAL was left
  // for the next writer's commit to flush, which then waited for it (measured: no shorter stalls).
  await tx.exec(
    `SET LOCAL ${BACKFILL_SETTING} = 'on'; SET LOCAL lock_timeout = ${Math.floor(s.batchLockTimeout)}`,
  )
  const b =
    progress.upperKey === undefined ? undefined : await tx.query<{ hi: string | null; n: number }>(sql.bounds, [progress.lastKey ?? null, size, progress.upperKey])
  const n = Number(b?.rows[0]?.n ?? 0)
  const hi = b?.rows[0]?.hi
  let p: BackfillProgress
  let isRetry = false
  if (n && hi != null) {
    const skipped = await tx.query<{ k: string }>(sql.update, [progress.lastKey ?? null, hi, progress.upperKey])
    const retryKeys = [...(progress.retryKeys ?? []), ...skipped.rows.map((r) => r.k)]
    const rowsDone = progress.rowsDone + n
    p = { ...progress, lastKey: hi, rowsDone, rowsTotal: Math.max(progress.rowsTotal, rowsDone), isDone: false, ...(retryKeys.length ? { retryKeys } : {}) }
  } else if (progress.retryKeys?.length) {
    isRetry = true
    const skipped = await tx.query<{ k: string }>(sql.retry, [progress.retryKeys])
    const { retryKeys: _, ...rest } = progress
    p = skipped.rows.length ? { ...rest, retryKeys: skipped.rows.map((r) => r.k) } : rest
  } else p = { ...progress, isDone: true }
  // Recorded only while the expand is still backfilling: an abort committed since the batch began stops it here.
  if (!(await setProgress(tx, record.plan.schema, record.id, key, p, 'backfilling'))) return undefined
  return { progress: p, isRetry }
}
