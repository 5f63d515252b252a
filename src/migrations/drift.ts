import type { DataSource } from '../datasource/datasource.js'
import type { Drift } from '../schema/diff.js'
import type { PlannedChange } from '../schema/plan.js'

/** How the live schema differs from the models, in the plan's own vocabulary. */
export interface SchemaDrift {
  /** True when the live schema is exactly what the models declare. */
  isInSync: boolean
  /** Changes auto-update would make so the database matches the models (each with its SQL and risk). */
  changes: PlannedChange[]
  /** What the database has that the models don't declare: hand-made indexes and keys, undeclared columns. */
  drift: Drift[]
}

/**
 * Compares the live schema with the models, as auto-update's planner does, executing nothing.
 * @example
 *   const {isInSync, changes, drift} = await checkSchemaDrift(ds)
 *   for (const c of changes) console.log(c.summary)   // "add column Todo.priority double precision"
 */
export async function checkSchemaDrift(ds: DataSource): Promise<SchemaDrift> {
  const plan = await ds.planAutoupdate(undefined, { removedColumns: 'keep', online: false })
  return { isInSync: plan.changes.length === 0 && plan.drift.length === 0, changes: plan.changes, drift: plan.drift }
}

/**
 * Whether drift fails a check (`migrate --check`, `migration status --check`, alike): what the models
 * could declare (a plain hand-made index or key, a column whose property was removed) does; an index
 * they can't express (expression, partial, non-btree) is only reported, so an adopted database
 * carrying one can still pass.
 */
export function isFailingDrift(d: Drift): boolean {
  return d.kind !== 'opaque-index'
}
