import type { Connection, QueryResult } from '../../dialects/connection.js'
import { ShipshapeError } from '../../errors.js'

/** One model's rows: keyed by the id's text, plus the next auto-increment value. */
export interface MemoryTable {
  rows: Map<string, Record<string, unknown>>
  nextId: number
}

/**
 * A connection that keeps rows itself and runs no SQL; the repository's memory backend reads and
 * writes it. A connector without a SQL dialect must return one (`storesRows` says it does).
 */
export interface RowStore extends Connection {
  readonly storesRows: true
  table(model: string): MemoryTable
}

/** Whether a connection keeps rows itself (the memory connector's) rather than running SQL. */
export function isRowStore(conn: Connection): conn is RowStore {
  return (conn as Partial<RowStore>).storesRows === true
}

/**
 * The memory connector's "connection": an in-process store of rows per model. It runs no SQL.
 * Transactions snapshot the store and restore it on throw; they are not isolated from calls made
 * outside them while they run (it's a test and prototyping store).
 */
export class MemoryConnection implements RowStore {
  readonly storesRows = true
  readonly tables = new Map<string, MemoryTable>()
  private queue: Promise<unknown> = Promise.resolve()

  table(model: string): MemoryTable {
    let t = this.tables.get(model)
    if (!t) this.tables.set(model, (t = { rows: new Map(), nextId: 1 }))
    return t
  }

  async query<R>(_sql: string): Promise<QueryResult<R>> {
    throw new ShipshapeError('SQL_UNSUPPORTED', 'The memory connector runs no SQL; use a repository, or a SQL connector.')
  }
  async exec(sql: string): Promise<void> {
    await this.query(sql)
  }
  /** Runs `fn`, restoring every table as it was when `fn` throws. Transactions run one at a time. */
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      // Rows are replaced, never mutated in place, so copying the maps is a full snapshot.
      const snapshot = new Map([...this.tables].map(([k, t]) => [k, { rows: new Map(t.rows), nextId: t.nextId }]))
      try {
        return await fn(this)
      } catch (e) {
        this.tables.clear()
        for (const [k, t] of snapshot) this.tables.set(k, t)
        throw e
      }
    })
    this.queue = run.catch(() => {})
    return run
  }
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return fn(this)
  }
  async close(): Promise<void> {}
}
