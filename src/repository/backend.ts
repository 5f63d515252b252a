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
  /** Inserts the rows atomically; returns each stored row (generated ids and defaults filled in), in order. */
  insert(rows: RowValues[], conn?: Connection): Promise<RowData[]>
  find(filter: NormalizedFilter, conn?: Connection): Promise<RowData[]>
  count(where: Condition | undefined, conn?: Connection): Promise<number>
  /** Sets the given values (`undefined` = untouched) on matching rows; returns how many matched. */
  update(values: RowValues, where: Condition | undefined, conn?: Connection): Promise<number>
  delete(where: Condition | undefined, conn?: Connection): Promise<number>
}
