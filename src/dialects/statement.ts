import type { Database } from '../schema/ir.js'

/** A rendered statement: its SQL and how it must run. Down migrations come from `invertChange`, not from statements. */
export interface Statement {
  sql: string
  /**
   * The same statement asking the server for less, run in order while it refuses the one before
   * (MySQL's online ALGORITHM): printed with the plan, so whatever runs is SQL the plan shows.
   */
  fallbacks?: string[]
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
