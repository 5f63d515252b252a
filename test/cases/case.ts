import type { ModelSettings, PropertyDefinition } from '../../src/index.js'

/**
 * One scenario as data, in the manner of sqldef's `tests_*.yml` (current / desired / expected SQL)
 * and migra's fixture folders: the models before and after, the rows in between, and what
 * auto-update must do about it on every back end. See README.md beside this file.
 */
export interface Case {
  name: string
  /** LoopBack-style JSON model definitions applied first (by auto-update, on an empty scope). */
  before: ModelJson[]
  /** The models auto-update is then asked to reach. */
  after: ModelJson[]
  /** Rows inserted after `before` is applied, by table. */
  rows?: Record<string, Row[]>
  /** Options of the second auto-update. */
  options?: { allowDataLoss?: boolean; removedColumns?: 'keep' | 'drop' }
  /** The plan's SQL, statement by statement; `{schema}` stands for the scope's schema. */
  up: PerDialect<string[]>
  /** Present when auto-update must refuse: the rule that fired and every reason it gave. */
  refused?: { rule: 'data-loss' | 'would-fail'; reasons: string[] | PerDialect<string[]> }
  /** Rows read back after the change; defaults to `rows` (every row intact). */
  rowsAfter?: Record<string, Row[]>
  /** Catalog type of some columns after the change: table → column → the engine's own type name. */
  types?: PerDialect<Record<string, Record<string, string>>>
  /**
   * The `down` a generated versioned migration carries; the loop runs it after `up` and expects
   * the database to match `before` again.
   */
  down?: PerDialect<string[]>
}

export type Dialect = 'postgres' | 'mysql' | 'sqlite'

/** One value per dialect family; `pglite` only where PGlite differs from the PostgreSQL server. */
export type PerDialect<T> = Record<Dialect, T> & { pglite?: T }

export type Row = Record<string, string | number | null>

/** A model as a LoopBack `*.model.json` file holds it. */
export interface ModelJson {
  name: string
  properties: Record<string, PropertyDefinition>
  settings?: ModelSettings
}

/** The same value on every dialect. */
export const everywhere = <T>(value: T): PerDialect<T> => ({ postgres: value, mysql: value, sqlite: value })

/**
 * The end of every SQLite rebuild: the old table dropped and the new one renamed into its place,
 * in legacy mode so views and triggers naming the table are not re-parsed meanwhile.
 */
export function sqliteSwapIn(table: string): string[] {
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`
  return [`DROP TABLE ${q(table)}`, 'PRAGMA legacy_alter_table = ON', `ALTER TABLE ${q(`_shipshape_new_${table}`)} RENAME TO ${q(table)}`, 'PRAGMA legacy_alter_table = OFF']
}
