import type { Change } from './changes.js'
import type { Column, ColumnType, TableRef } from './ir.js'
import { conversionOf, describeTest, type ValueTest } from './conversions.js'
import { describeType } from './types.js'

/**
 * A key column's value as it will be once the plan has run: the stored value (converted when
 * the plan changes its type), or the default a column added by the plan gives every row.
 */
export type KeyValue =
  | { kind: 'column'; column: string; from?: ColumnType; to?: ColumnType }
  | { kind: 'literal'; value: string | number | boolean | null }

/** A question about the rows already in a table, asked before a change that could fail or cut data. */
export type DataCheck =
  | { kind: 'nulls'; table: TableRef; column: string }
  | { kind: 'any-rows'; table: TableRef }
  /** Values of a column changing type that the conversion refuses (blocking) or changes (loss). */
  | {
      kind: 'values'
      table: TableRef
      column: string
      from: ColumnType
      to: ColumnType
      tests: ValueTest[]
      isBlocking: boolean
      /** Values these find are left out (refused already; a loss test may cast them). */
      unless?: ValueTest[]
    }
  /** Values of a future unique key that collide; NULLs never do (SQL unique keys allow many). */
  | { kind: 'duplicates'; table: TableRef; columns: string[]; values?: KeyValue[] }
  /** Rows whose foreign-key columns are all set and match no row of the referenced table. */
  | { kind: 'orphans'; table: TableRef; columns: string[]; references: { table: TableRef; columns: string[]; isNew?: boolean } }

/** What a check found: how many rows, and whether the change would fail outright or only cut data. */
export interface DataCheckResult {
  check: DataCheck
  rows: number
  /** The change cannot succeed while these rows exist (refused even with allowDataLoss). */
  isBlocking: boolean
  message: string
}

/** The conversion checks of a column changing type; `typesEnforced` leaves out what an enforcing engine can't hold. */
export function conversionChecks(table: TableRef, from: Column, to: Column, typesEnforced: boolean): DataCheck[] {
  const conversion = conversionOf(from.type, to.type)
  const keep = (list: typeof conversion.refused) => list.filter((x) => !x.isUnenforcedOnly || !typesEnforced).map((x) => x.test)
  const checks: DataCheck[] = []
  const refused = keep(conversion.refused)
  const lossy = keep(conversion.lossy)
  if (refused.length) checks.push({ kind: 'values', table, column: to.name, from: from.type, to: to.type, tests: refused, isBlocking: true })
  if (lossy.length)
    checks.push({ kind: 'values', table, column: to.name, from: from.type, to: to.type, tests: lossy, isBlocking: false, ...(refused.length ? { unless: refused } : {}) })
  return checks
}

/** The checks a change needs; a rebuild asks those of the changes it carries. */
export function checksFor(change: Change, typesEnforced = true): DataCheck[] {
  switch (change.kind) {
    case 'alter-column': {
      const checks: DataCheck[] = []
      const { from, to } = change
      if (change.aspects.includes('nullable') && !to.isNullable) checks.push({ kind: 'nulls', table: change.table, column: to.name })
      if (change.aspects.includes('type')) checks.push(...conversionChecks(change.table, from, to, typesEnforced))
      return checks
    }
    case 'add-column':
      return !change.column.isNullable && !change.column.default && !change.column.isAutoIncrement
        ? [{ kind: 'any-rows', table: change.table }]
        : []
    case 'add-index':
      return change.index.isUnique && !change.isNewTable && !change.adoptFrom
        ? [{ kind: 'duplicates', table: change.table, columns: change.index.columns.map((c) => c.name) }]
        : []
    case 'set-primary-key':
      return change.to?.columns.length
        ? [
            { kind: 'duplicates', table: change.table, columns: change.to.columns },
            ...change.to.columns.map((column): DataCheck => ({ kind: 'nulls', table: change.table, column })),
          ]
        : []
    case 'add-foreign-key': {
      if (change.isNewTable || change.aroundTypeChange) return []
      const fk = change.foreignKey
      const ref = { schema: fk.references.schema ?? change.table.schema, name: fk.references.table }
      return [{ kind: 'orphans', table: change.table, columns: fk.columns, references: { table: ref, columns: fk.references.columns } }]
    }
    case 'rebuild-table':
      return change.changes.flatMap((c) => checksFor(c, typesEnforced))
    default:
      return []
  }
}

/** Words for a check's finding; `where` names the model, property and column. */
export function describeFinding(check: DataCheck, rows: number, where: string, quote: (n: string) => string): DataCheckResult {
  const table = check.table.schema ? `${quote(check.table.schema)}.${quote(check.table.name)}` : quote(check.table.name)
  const found = (isBlocking: boolean, message: string): DataCheckResult => ({ check, rows, isBlocking: isBlocking && rows > 0, message })
  switch (check.kind) {
    case 'nulls':
      return found(
        true,
        `${where}: becomes NOT NULL but ${rows} row(s) hold NULL. Fill them first ` +
          `(UPDATE ${table} SET ${quote(check.column)} = … WHERE ${quote(check.column)} IS NULL), or keep the property optional. ` +
          `A declared default is not written into existing rows.`,
      )
    case 'any-rows':
      return found(
        true,
        `${where}: a new required column without a default, and the table has rows. Declare a default, or add it optional, fill it, then make it required.`,
      )
    case 'values': {
      const what = check.tests.map(describeTest).join(', or ')
      const types = `${describeType(check.from)} → ${describeType(check.to)}`
      if (!check.isBlocking) {
        const cut = check.tests.length === 1 && check.tests[0]!.kind === 'longer-than' ? check.tests[0] : undefined
        return found(
          false,
          cut
            ? `${where}: ${rows} row(s) are longer than ${cut.length} characters and would be cut (${types}).`
            : `${where}: ${rows} row(s) would change converting ${types}: ${what}.`,
        )
      }
      return found(true, `${where}: ${rows} row(s) hold values that can't be converted ${types} (${what}); fix or clear them first.`)
    }
    case 'duplicates':
      return found(
        true,
        `${where}: ${rows} value(s) of (${check.columns.join(', ')}) appear more than once` +
          `${check.values?.some((v) => v.kind === 'literal' || v.to) ? ' once the plan has converted or filled them' : ''}; ` +
          `the unique key would fail. Remove the duplicates first.`,
      )
    case 'orphans':
      return found(
        true,
        `${where}: ${rows} row(s) have (${check.columns.join(', ')}) matching no row of "${check.references.table.name}"; ` +
          `the foreign key would fail. Fix or clear them first.`,
      )
  }
}
