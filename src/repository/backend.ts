import type { Connection } from '../dialects/connection.js'
import type { Condition, NormalizedFilter } from './filter.js'
import type { RowValues } from './validate.js'

/** Plain property values of one stored row, in JS types. */
export type RowData = Record<string, unknown>

/**
 * Where a repository's rows live: SQL tables (`SqlBackend`) or the memory connector's store
 * (`MemoryBackend`). Both receive checked filters and typed values, and return typed rows, so
 * the repository's behaviour is the same on either. `conn` is the transaction's connection, if any.
 */
export interface RepositoryBackend {
  /**
   * Inserts the rows atomically; returns each stored row (generated ids and defaults filled in), in order.
   * `extras`: properties a `strict: false` model doesn't define, per row; kept where the store can (memory).
   */
  insert(rows: RowValues[], conn?: Connection, extras?: Array<Record<string, unknown> | undefined>): Promise<RowData[]>
  find(filter: NormalizedFilter, conn?: Connection): Promise<RowData[]>
  count(where: Condition | undefined, conn?: Connection): Promise<number>
  /**
   * Sets the given values (`undefined` = untouched) on matching rows; returns how many matched.
   * `extras` as for insert; `isReplace` drops the extras a row had before.
   */
  update(values: RowValues, where: Condition | undefined, conn?: Connection, extras?: Record<string, unknown>, isReplace?: boolean): Promise<number>
  delete(where: Condition | undefined, conn?: Connection): Promise<number>
}
