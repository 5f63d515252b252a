import type { Change } from './changes.js'
import { applyChanges } from './apply.js'
import type { Database, ForeignKey, Table } from './ir.js'
import { findColumn, findTable, tableKey } from './ir.js'

/**
 * The foreign keys a column type change must step around where the engine won't change the
 * type of a column a key uses, on either side (InnoDB: "Cannot change column used in a foreign
 * key constraint"). Each is dropped before the type changes and added again after, as it was —
 * a hand-made key stays hand-made; the renderer keeps its index. A key whose two sides would
 * not have the same types afterwards is left in place: the engine would refuse to add it back.
 */
export function unpinForeignKeys(changes: Change[], current: Database): Change[] {
  const retyped = new Set<string>()
  for (const c of changes) if (c.kind === 'alter-column' && c.aspects.includes('type')) retyped.add(`${tableKey(c.table)}\0${c.to.name}`)
  if (!retyped.size) return changes
  // Keys the diff already drops or re-adds need nothing more.
  const touched = new Set<string>()
  for (const c of changes)
    if (c.kind === 'drop-foreign-key' || c.kind === 'add-foreign-key') touched.add(`${tableKey(c.table)}\0${c.foreignKey.name}`)
  const pins = (t: Table, fk: ForeignKey) => {
    const parent = tableKey({ schema: fk.references.schema ?? t.schema, name: fk.references.table })
    return fk.columns.some((col) => retyped.has(`${tableKey(t)}\0${col}`)) || fk.references.columns.some((col) => retyped.has(`${parent}\0${col}`))
  }
  const after = applyChanges(current, changes)
  const matchesAfter = (t: Table, fk: ForeignKey) => {
    const child = findTable(after, t)
    const parent = findTable(after, { schema: fk.references.schema ?? t.schema, name: fk.references.table })
    if (!child || !parent) return false
    return fk.columns.every((col, i) => {
      const a = findColumn(child, col)?.type
      const b = findColumn(parent, fk.references.columns[i]!)?.type
      return !!a && !!b && JSON.stringify(a) === JSON.stringify(b)
    })
  }
  const extra: Change[] = []
  for (const t of current.tables) {
    const table = t.schema ? { schema: t.schema, name: t.name } : { name: t.name }
    for (const fk of t.foreignKeys) {
      if (touched.has(`${tableKey(t)}\0${fk.name}`) || !pins(t, fk) || !matchesAfter(t, fk)) continue
      extra.push(
        { kind: 'drop-foreign-key', table, foreignKey: fk, aroundTypeChange: true },
        { kind: 'add-foreign-key', table, foreignKey: fk, aroundTypeChange: true },
      )
    }
  }
  return extra.length ? [...changes, ...extra] : changes
}
