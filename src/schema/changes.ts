import type { Column, ForeignKey, Index, PrimaryKey, Table, TableRef } from './ir.js'

// Changes are plain typed data: the diff emits them, the plan orders and gates them,
// each dialect renders them with an exhaustive switch.

/** A schema (PostgreSQL) that a model's table lives in and the database doesn't have yet. */
export interface CreateSchema { kind: 'create-schema'; schema: string }
export interface CreateTable { kind: 'create-table'; table: Table }
export interface DropTable { kind: 'drop-table'; table: Table }
export interface RenameTable { kind: 'rename-table'; table: TableRef; from: string; model?: string }
export interface AddColumn { kind: 'add-column'; table: TableRef; column: Column; model?: string }
export interface DropColumn {
  kind: 'drop-column'
  table: TableRef
  column: Column
  model?: string
  /** A property added in the same plan with a compatible type: perhaps a rename nobody declared. */
  renameCandidate?: string
}
export interface RenameColumn {
  kind: 'rename-column'
  table: TableRef
  from: string
  to: string
  model?: string
  property?: string
}
/** One column's type, nullability and/or default; `from` is the live column, `to` the desired one. */
export interface AlterColumn {
  kind: 'alter-column'
  table: TableRef
  from: Column
  to: Column
  /** Which aspects differ. */
  aspects: Array<'type' | 'nullable' | 'default' | 'auto-increment'>
  model?: string
}
export interface SetPrimaryKey {
  kind: 'set-primary-key'
  table: TableRef
  from?: PrimaryKey
  to?: PrimaryKey
  model?: string
}
export interface AddIndex {
  kind: 'add-index'
  table: TableRef
  index: Index
  model?: string
  isNewTable?: boolean
  /** An unfinished build of this very index (same definition) under this name: renamed, not built again. */
  adoptFrom?: string
}
export interface DropIndex { kind: 'drop-index'; table: TableRef; index: Index; model?: string }
export interface AddForeignKey {
  kind: 'add-foreign-key'
  table: TableRef
  foreignKey: ForeignKey
  model?: string
  isNewTable?: boolean
  /** Re-adds a key dropped only so that a column it uses could change type (its index was kept). */
  aroundTypeChange?: boolean
}
export interface DropForeignKey {
  kind: 'drop-foreign-key'
  table: TableRef
  foreignKey: ForeignKey
  model?: string
  /** Dropped only while a column it uses changes type, and added again after: its index stays. */
  aroundTypeChange?: boolean
}
/**
 * Changes an engine cannot make with ALTER (SQLite), made by copying the table:
 * create the new shape, copy rows, drop the old, rename.
 */
export interface RebuildTable {
  kind: 'rebuild-table'
  from: Table
  to: Table
  /** The changes the rebuild carries out, for the plan's reader. */
  changes: Change[]
}

export type Change =
  | CreateSchema
  | CreateTable
  | DropTable
  | RenameTable
  | AddColumn
  | DropColumn
  | RenameColumn
  | AlterColumn
  | SetPrimaryKey
  | AddIndex
  | DropIndex
  | AddForeignKey
  | DropForeignKey
  | RebuildTable

export type ChangeKind = Change['kind']

/** The table a change applies to. */
export function changeTable(change: Change): TableRef {
  switch (change.kind) {
    case 'create-schema':
      return { schema: change.schema, name: '' }
    case 'create-table':
    case 'drop-table':
      return change.table
    case 'rebuild-table':
      return change.to
    default:
      return change.table
  }
}
