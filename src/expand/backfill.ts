import type { Connection } from '../dialects/connection.js'
import { tableKey } from '../schema/ir.js'
import type { BackfillProgress, ExpandTable } from './expand-plan.js'
import { BACKFILL_SETTING, renderBackfillBatch } from './render-postgres.js'
import { setProgress, type ExpandRecord } from './state.js'

export interface BackfillOptions {
  /** Rows per batch (one short transaction each). Default 1000. */
  batchSize?: number
  /** Pause between batches, in ms, leaving room to the application's writes. Default 0. */
  throttleMs?: number
  /** Called after every batch. */
  onProgress?(progress: BackfillReport): void
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

/**
 * Fills the new columns of rows written before the expand, in key ranges: each batch is one
 * short transaction that also records how far it got, so a killed backfill resumes where the
 * last committed batch ended. Rows written since the expand are already filled by the trigger.
 */
export async function backfill(conn: Connection, record: ExpandRecord, options: BackfillOptions = {}): Promise<void> {
  const batchSize = Math.max(1, options.batchSize ?? 1000)
  for (const t of record.plan.tables) {
    const key = tableKey(t.table)
    const progress: BackfillProgress = record.progress[key] ?? { rowsDone: 0, rowsTotal: 0, isDone: false }
    if (progress.isDone) continue
    await backfillTable(conn, record, t, progress, batchSize, options)
  }
}

async function backfillTable(
  conn: Connection,
  record: ExpandRecord,
  t: ExpandTable,
  progress: BackfillProgress,
  batchSize: number,
  options: BackfillOptions,
) {
  const key = tableKey(t.table)
  const sql = renderBackfillBatch(t)
  const started = Date.now()
  const doneAtStart = progress.rowsDone
  const save = (tx: Connection, p: BackfillProgress) => setProgress(tx, record.plan.schema, record.id, key, p)
  if (!sql) {
    // Nothing to copy (a rename): every row already reads right in both versions.
    const p = { ...progress, rowsDone: progress.rowsTotal, isDone: true }
    await save(conn, p)
    record.progress[key] = p
    options.onProgress?.({ table: key, rowsDone: p.rowsDone, rowsTotal: p.rowsTotal, rate: 0, etaMs: 0 })
    return
  }
  for (;;) {
    const next = await conn.transaction(async (tx) => {
      // The trigger stands aside: the batch writes the new columns itself, and only where they are still empty.
      await tx.exec(`SET LOCAL ${BACKFILL_SETTING} = 'on'`)
      const b =
        progress.upperKey === undefined
          ? undefined
          : await tx.query<{ hi: string | null; n: number }>(sql.bounds, [progress.lastKey ?? null, batchSize, progress.upperKey])
      const n = Number(b?.rows[0]?.n ?? 0)
      const hi = b?.rows[0]?.hi
      if (!n || hi == null) {
        const p = { ...progress, isDone: true }
        await save(tx, p)
        return p
      }
      await tx.query(sql.update, [progress.lastKey ?? null, hi, progress.upperKey])
      const p: BackfillProgress = { ...progress, lastKey: hi, rowsDone: progress.rowsDone + n, rowsTotal: Math.max(progress.rowsTotal, progress.rowsDone + n), isDone: false }
      await save(tx, p)
      return p
    })
    progress = next
    record.progress[key] = next
    const seconds = (Date.now() - started) / 1000
    const rate = seconds > 0 ? (progress.rowsDone - doneAtStart) / seconds : 0
    options.onProgress?.({
      table: key,
      rowsDone: progress.rowsDone,
      rowsTotal: progress.rowsTotal,
      rate,
      etaMs: rate > 0 ? (Math.max(0, progress.rowsTotal - progress.rowsDone) / rate) * 1000 : undefined,
    })
    if (progress.isDone) return
    if (options.throttleMs) await new Promise((r) => setTimeout(r, options.throttleMs))
  }
}
