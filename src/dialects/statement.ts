import type { Database } from '../schema/ir.js'

/** A rendered statement: its SQL, its inverse where one exists. */
export interface Statement {
  sql: string
  /** SQL undoing this statement, when it can be undone without data loss. */
  reverse?: string
  /** Must run outside a transaction (CREATE INDEX CONCURRENTLY). */
  isNonTransactional?: boolean
  /** Carried out by the combined statement of another change of the plan (see `PlanStatement`). */
  combinedInto?: number
}

export interface RenderContext {
  /** The live schema (for rebuilds that must copy every column). */
  current: Database
  /** Changes to existing tables may use online forms (concurrent index builds). */
  online?: boolean
}
