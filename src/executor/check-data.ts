import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import type { Change } from '../schema/changes.js'
import { checksFor, describeFinding, type DataCheck } from '../schema/data-checks.js'
import { describeLocation, type Plan } from '../schema/plan.js'

/**
 * Asks the rows already there about every change that could fail or cut data, and records
 * the counts on the plan (`findings`), so refusals and dry runs can say how many rows.
 */
export async function checkPlanData(conn: Connection, dialect: Dialect, plan: Plan): Promise<void> {
  if (!dialect.countRows) return
  // Checks run before the plan: name tables and columns as they are now.
  const tableRenames = new Map<string, string>()
  const columnRenames = new Map<string, string>()
  const created = new Set<string>()
  const all = plan.changes.flatMap((c) => (c.change.kind === 'rebuild-table' ? [c.change, ...c.change.changes] : [c.change]))
  for (const c of all) {
    if (c.kind === 'rename-table') tableRenames.set(c.table.name, c.from)
    if (c.kind === 'rename-column') columnRenames.set(`${c.table.name}\0${c.to}`, c.from)
    if (c.kind === 'create-table') created.add(c.table.name)
  }
  const asNow = (check: DataCheck): DataCheck => {
    const table = { ...check.table, name: tableRenames.get(check.table.name) ?? check.table.name }
    const col = (n: string) => columnRenames.get(`${check.table.name}\0${n}`) ?? n
    if ('column' in check) return { ...check, table, column: col(check.column) }
    if (check.kind === 'duplicates') return { ...check, table, columns: check.columns.map(col) }
    return { ...check, table }
  }
  for (const planned of plan.changes) {
    const inner: Change[] = planned.change.kind === 'rebuild-table' ? planned.change.changes : [planned.change]
    for (const change of inner) {
      for (const check of checksFor(change)) {
        if (created.has(check.table.name)) continue
        const rows = await dialect.countRows(conn, asNow(check))
        if (!rows) continue
        const column = 'column' in check ? check.column : undefined
        const property =
          change.kind === 'alter-column' ? change.to.property : change.kind === 'add-column' ? change.column.property : undefined
        const where = describeLocation(check.table, column, 'model' in change ? change.model : undefined, property)
        ;(planned.findings ??= []).push(describeFinding(check, rows, where, dialect.quoteIdentifier))
      }
    }
  }
}
