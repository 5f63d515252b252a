import type { Change } from '../schema/changes.js'
import type { Column, TableRef } from '../schema/ir.js'

// An expand is plain data, like a plan: computed once, stored in the state table as JSON, and
// read back by backfill, status, contract and abort (which may run in another process).

/** A column of one version's view: the name that version uses, and the physical column behind it. */
export interface VersionColumn {
  name: string
  physical: string
}

/**
 * One column whose shape differs between the versions.
 * - `rename`: same values, another name; only the views differ until contract renames it.
 * - `convert`: another type (or nullability, with a declared `up`): a new physical column beside
 *   the old, kept in step both ways; contract drops the old one and gives the new its name.
 * - `add`: a column only the new version has, filled on the old version's writes by `up`.
 * - `remove`: a column only the old version has, filled on the new version's writes by `down`
 *   (or made nullable when there is none); dropped at contract when `drop`.
 */
export type ReshapedColumn =
  | { kind: 'rename'; from: string; to: string; property?: string }
  | { kind: 'convert'; from: Column; to: Column; physical: string; up: string; down: string; isDeclared: boolean; property?: string }
  | { kind: 'add'; column: Column; up: string; property?: string }
  | { kind: 'remove'; column: Column; down?: string; drop: boolean; madeNullable: boolean }

export interface ExpandTable {
  table: TableRef
  model?: string
  /** The single-column primary key the backfill walks in ranges, and its SQL type. */
  key: string
  keyType: string
  /** The old version's view columns (the table as it was) and the new version's. */
  oldColumns: Array<VersionColumn & { type: Column['type'] }>
  newColumns: Array<VersionColumn & { type: Column['type'] }>
  columns: ReshapedColumn[]
  /** Names of the objects the expand creates for this table (trigger, functions, constraints). */
  objects: { trigger: string; triggerFunction: string; functions: Record<string, string> }
}

export interface ExpandPlan {
  /** The schema holding the tables (the datasource's default schema). */
  schema: string
  /** Version labels: the one running now and the one being deployed. */
  from: string
  to: string
  /** Schemas of views exposing each version's shape (`<schema>_<version>`). */
  oldSchema: string
  newSchema: string
  /** Changes that break no running version (new tables, nullable columns, indexes), applied as auto-update would. */
  additive: Change[]
  tables: ExpandTable[]
  /** One line per reshaped column, for people. */
  summary: string[]
}

export type ExpandPhase = 'backfilling' | 'expanded' | 'contracted' | 'aborted'

/** Backfill progress of one table. */
export interface BackfillProgress {
  /** The last primary-key value done (as text), absent before the first batch. */
  lastKey?: string
  /**
   * The largest key when the trigger was created (as text): rows past it were written under the
   * trigger, so the backfill stops there instead of chasing new inserts. Absent: the table was empty.
   */
  upperKey?: string
  rowsDone: number
  /** Keys the backfill skipped because a writer held their row: filled by a later pass. */
  retryKeys?: string[]
  /** Rows counted when the backfill started. */
  rowsTotal: number
  isDone: boolean
}

/** What `expandStatus()` reports. */
export interface ExpandStatus {
  phase: ExpandPhase | 'none'
  from?: string
  to?: string
  /** Schemas of views that exist now, one per exposed version (the base schema serves the rest). */
  exposedVersions: Array<{ version: string; schema: string }>
  backfill: Array<{ table: string } & BackfillProgress>
  summary: string[]
  startedAt?: string
  updatedAt?: string
}
