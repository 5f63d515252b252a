import type { Change } from './changes.js'
import type { ColumnType, TableRef } from './ir.js'
import { isWideningType } from './types.js'

/** A question about the rows already in a table, asked before a change that could fail or cut data. */
export type DataCheck =
  | { kind: 'nulls'; table: TableRef; column: string }
  | { kind: 'any-rows'; table: TableRef }
  | { kind: 'too-long'; table: TableRef; column: string; length: number }
  | { kind: 'not-convertible'; table: TableRef; column: string; from: ColumnType; to: ColumnType }
  | { kind: 'duplicates'; table: TableRef; columns: string[] }

/** What a check found: how many rows, and whether the change would fail outright or only cut data. */
export interface DataCheckResult {
  check: DataCheck
  rows: number
  /** The change cannot succeed while these rows exist (refused even with allowDataLoss). */
  isBlocking: boolean
  message: string
}

/** The checks a change needs; a rebuild asks those of the changes it carries. */
export function checksFor(change: Change): DataCheck[] {
  switch (change.kind) {
    case 'alter-column': {
      const checks: DataCheck[] = []
      const { from, to } = change
      if (change.aspects.includes('nullable') && !to.isNullable) checks.push({ kind: 'nulls', table: change.table, column: to.name })
      if (change.aspects.includes('type') && !isWideningType(from.type, to.type)) {
        if ((to.type.kind === 'varchar' || to.type.kind === 'char') && isTextual(from.type))
          checks.push({ kind: 'too-long', table: change.table, column: to.name, length: to.type.length })
        else checks.push({ kind: 'not-convertible', table: change.table, column: to.name, from: from.type, to: to.type })
      }
      return checks
    }
    case 'add-column':
      return !change.column.isNullable && !change.column.default && !change.column.isAutoIncrement
        ? [{ kind: 'any-rows', table: change.table }]
        : []
    case 'add-index':
      return change.index.isUnique && !change.isNewTable
        ? [{ kind: 'duplicates', table: change.table, columns: change.index.columns.map((c) => c.name) }]
        : []
    case 'set-primary-key':
      return change.to?.columns.length
        ? [
            { kind: 'duplicates', table: change.table, columns: change.to.columns },
            ...change.to.columns.map((column): DataCheck => ({ kind: 'nulls', table: change.table, column })),
          ]
        : []
    case 'rebuild-table':
      return change.changes.flatMap(checksFor)
    default:
      return []
  }
}

function isTextual(t: ColumnType) {
  return t.kind === 'varchar' || t.kind === 'char' || t.kind === 'text' || t.kind === 'native'
}

/** Words for a check's finding; `where` names the model, property and column. */
export function describeFinding(check: DataCheck, rows: number, where: string, quote: (n: string) => string): DataCheckResult {
  const table = check.table.schema ? `${quote(check.table.schema)}.${quote(check.table.name)}` : quote(check.table.name)
  switch (check.kind) {
    case 'nulls':
      return {
        check,
        rows,
        isBlocking: rows > 0,
        message:
          `${where}: becomes NOT NULL but ${rows} row(s) hold NULL. Fill them first ` +
          `(UPDATE ${table} SET ${quote(check.column)} = … WHERE ${quote(check.column)} IS NULL), or keep the property optional. ` +
          `A declared default is not written into existing rows.`,
      }
    case 'any-rows':
      return {
        check,
        rows,
        isBlocking: rows > 0,
        message: `${where}: a new required column without a default, and the table has rows. Declare a default, or add it optional, fill it, then make it required.`,
      }
    case 'too-long':
      return {
        check,
        rows,
        isBlocking: false,
        message: `${where}: ${rows} row(s) are longer than ${check.length} characters and would be cut.`,
      }
    case 'not-convertible':
      return {
        check,
        rows,
        isBlocking: rows > 0,
        message: `${where}: ${rows} row(s) hold values that can't be converted; fix or clear them first.`,
      }
    case 'duplicates':
      return {
        check,
        rows,
        isBlocking: rows > 0,
        message: `${where}: ${rows} value(s) of (${check.columns.join(', ')}) appear more than once; the unique key would fail. Remove the duplicates first.`,
      }
  }
}
