import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import type { Change } from '../schema/changes.js'
import { tableKey, type Column, type ColumnType } from '../schema/ir.js'
import { checksFor, describeFinding, type DataCheck, type KeyValue } from '../schema/data-checks.js'
import { describeLocation, type Plan } from '../schema/plan.js'

/**
 * Asks the rows already there about every change that could fail or cut data, and records
 * the counts on the plan (`findings`), so refusals and dry runs can say how many rows. Every
 * check runs before the plan does, and looks at the values as the plan will leave them: a
 * unique key over a column the plan cuts or converts counts the cut or converted values, and
 * one over a column the plan adds counts its default.
 */
export async function checkPlanData(conn: Connection, dialect: Dialect, plan: Plan): Promise<void> {
  if (!dialect.countRows) return
  const now = namesNow(plan)
  const typesEnforced = !dialect.capabilities.ignoresColumnTypes
  const blocked = new Set<string>()
  for (const planned of plan.changes) {
    const inner: Change[] = planned.change.kind === 'rebuild-table' ? planned.change.changes : [planned.change]
    for (const change of inner) {
      for (const raw of checksFor(change, typesEnforced)) {
        if (now.created.has(raw.table.name)) continue
        const check = now.asNow(raw)
        if (!check) continue
        // A key over values that won't convert can't be read as converted (the cast would fail);
        // the plan is refused for those values already.
        if (check.kind === 'duplicates' && check.values?.some((v) => v.kind === 'column' && blocked.has(`${tableKey(check.table)}\0${v.column}`))) continue
        const rows = await dialect.countRows(conn, check)
        if (!rows) continue
        if (check.kind === 'values' && check.isBlocking) blocked.add(`${tableKey(check.table)}\0${check.column}`)
        const column = 'column' in raw ? raw.column : undefined
        const property =
          change.kind === 'alter-column' ? change.to.property : change.kind === 'add-column' ? change.column.property : undefined
        const where = describeLocation(raw.table, column, 'model' in change ? change.model : undefined, property)
        ;(planned.findings ??= []).push(describeFinding(check, rows, where, dialect.quoteIdentifier))
      }
    }
  }
}

/**
 * Checks run before the plan: tables and columns are named as they are now, columns the plan
 * adds are read as the value they will get, converted columns as they will be converted.
 * Undefined for a check the rows can't answer yet (a column added with a generated default).
 */
function namesNow(plan: Plan) {
  const tableRenames = new Map<string, string>()
  const columnRenames = new Map<string, string>()
  const created = new Set<string>()
  const added = new Map<string, Column>()
  const converted = new Map<string, { from: ColumnType; to: ColumnType }>()
  const all = plan.changes.flatMap((c) => (c.change.kind === 'rebuild-table' ? [c.change, ...c.change.changes] : [c.change]))
  const key = (table: string, column: string) => `${table}\0${column}`
  for (const c of all) {
    if (c.kind === 'rename-table') tableRenames.set(c.table.name, c.from)
    if (c.kind === 'rename-column') columnRenames.set(key(c.table.name, c.to), c.from)
    if (c.kind === 'create-table') created.add(c.table.name)
    if (c.kind === 'add-column') added.set(key(c.table.name, c.column.name), c.column)
    if (c.kind === 'alter-column' && c.aspects.includes('type')) converted.set(key(c.table.name, c.to.name), { from: c.from.type, to: c.to.type })
  }
  const asNow = (check: DataCheck): DataCheck | undefined => {
    const name = check.table.name
    const table = { ...check.table, name: tableRenames.get(name) ?? name }
    const col = (n: string) => columnRenames.get(key(name, n)) ?? n
    const newColumn = (n: string) => added.get(key(name, n))
    switch (check.kind) {
      case 'nulls': {
        const c = newColumn(check.column)
        if (!c) return { ...check, table, column: col(check.column) }
        return c.default || c.isAutoIncrement ? undefined : { kind: 'any-rows', table }
      }
      case 'values':
        return newColumn(check.column) ? undefined : { ...check, table, column: col(check.column) }
      case 'any-rows':
        return { ...check, table }
      case 'duplicates': {
        const values: KeyValue[] = []
        for (const n of check.columns) {
          const c = newColumn(n)
          if (!c) {
            values.push({ kind: 'column', column: col(n), ...converted.get(key(name, n)) })
            continue
          }
          if (c.isAutoIncrement || (c.default && c.default.kind !== 'value')) return undefined
          values.push({ kind: 'literal', value: c.default?.kind === 'value' ? c.default.value : null })
        }
        return { ...check, table, columns: check.columns.map(col), values }
      }
      case 'orphans': {
        if (check.columns.some((n) => newColumn(n))) return undefined
        const ref = check.references.table
        const references = created.has(ref.name)
          ? { ...check.references, isNew: true }
          : {
              table: { ...ref, name: tableRenames.get(ref.name) ?? ref.name },
              columns: check.references.columns.map((n) => columnRenames.get(key(ref.name, n)) ?? n),
            }
        return { ...check, table, columns: check.columns.map(col), references }
      }
    }
  }
  return { created, asNow }
}
