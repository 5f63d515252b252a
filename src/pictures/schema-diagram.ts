import type { Change } from '../schema/changes.js'
import { changeTable } from '../schema/changes.js'
import type { Drift } from '../schema/diff.js'
import { tableKey, type Database, type Table, type TableRef } from '../schema/ir.js'
import { describeType } from '../schema/types.js'

/** How a table or column is highlighted: added (green), removed (red), changed (amber). */
export type Mark = 'added' | 'removed' | 'changed'

/** Marks by table key and by `tableKey + '.' + column`. */
export interface Marks {
  tables: Map<string, Mark>
  columns: Map<string, Mark>
}

export interface DiagramColumn {
  name: string
  type: string
  isPrimaryKey: boolean
  isForeignKey: boolean
  isNullable: boolean
  mark?: Mark
}

export interface DiagramTable {
  key: string
  name: string
  columns: DiagramColumn[]
  mark?: Mark
}

export interface DiagramEdge {
  from: string
  to: string
  /** The foreign key's name and columns, for the label. */
  label: string
  mark?: Mark
}

/** An entity-relationship diagram: plain data, drawn as Mermaid, SVG or HTML. */
export interface SchemaDiagram {
  tables: DiagramTable[]
  edges: DiagramEdge[]
}

export const emptyMarks = (): Marks => ({ tables: new Map(), columns: new Map() })

const columnKey = (t: TableRef, column: string) => `${tableKey(t)}.${column}`

/**
 * Marks what a list of changes touches: created tables and added columns as `added`, dropped
 * ones as `removed`, altered, renamed and re-keyed ones as `changed`.
 */
export function marksFromChanges(changes: readonly Change[], marks: Marks = emptyMarks()): Marks {
  const table = (t: TableRef, m: Mark) => {
    if (!marks.tables.has(tableKey(t))) marks.tables.set(tableKey(t), m)
  }
  for (const c of changes) {
    switch (c.kind) {
      case 'create-table':
        marks.tables.set(tableKey(c.table), 'added')
        break
      case 'drop-table':
        marks.tables.set(tableKey(c.table), 'removed')
        break
      case 'add-column':
        marks.columns.set(columnKey(c.table, c.column.name), 'added')
        table(c.table, 'changed')
        break
      case 'drop-column':
        marks.columns.set(columnKey(c.table, c.column.name), 'removed')
        table(c.table, 'changed')
        break
      case 'alter-column':
        marks.columns.set(columnKey(c.table, c.to.name), 'changed')
        table(c.table, 'changed')
        break
      case 'rename-column':
        marks.columns.set(columnKey(c.table, c.to), 'changed')
        marks.columns.set(columnKey(c.table, c.from), 'changed')
        table(c.table, 'changed')
        break
      case 'rebuild-table':
        marksFromChanges(c.changes, marks)
        table(c.to, 'changed')
        break
      case 'create-schema':
        break
      default:
        table(changeTable(c), 'changed')
    }
  }
  return marks
}

/** Marks what the live schema has and the models don't declare (columns kept, hand-made keys). */
export function marksFromDrift(drift: readonly Drift[], marks: Marks = emptyMarks()): Marks {
  for (const d of drift) {
    if (d.kind === 'removed-column') marks.columns.set(columnKey(d.table, d.name), 'removed')
    if (!marks.tables.has(tableKey(d.table))) marks.tables.set(tableKey(d.table), 'changed')
  }
  return marks
}

function diagramTable(t: Table, marks: Marks, keyPrefix: string): DiagramTable {
  const pk = new Set(t.primaryKey?.columns ?? [])
  const fk = new Set(t.foreignKeys.flatMap((f) => f.columns))
  const key = tableKey(t)
  const mark = marks.tables.get(key)
  return {
    key: keyPrefix + key,
    name: keyPrefix + key,
    ...(mark ? { mark } : {}),
    columns: t.columns.map((c) => {
      const m = marks.columns.get(`${key}.${c.name}`)
      return { name: c.name, type: describeType(c.type), isPrimaryKey: pk.has(c.name), isForeignKey: fk.has(c.name), isNullable: c.isNullable, ...(m ? { mark: m } : {}) }
    }),
  }
}

/**
 * The diagram of a schema's tables (all of them, or those `only` names), with marks, and an
 * edge for every foreign key between drawn tables. `keyPrefix` keeps several datasources apart.
 */
export function schemaDiagram(db: Database, options: { marks?: Marks; only?: Set<string>; keyPrefix?: string } = {}): SchemaDiagram {
  const marks = options.marks ?? emptyMarks()
  const prefix = options.keyPrefix ?? ''
  const drawn = db.tables.filter((t) => !options.only || options.only.has(tableKey(t)))
  const keys = new Set(drawn.map((t) => tableKey(t)))
  const tables = drawn.map((t) => diagramTable(t, marks, prefix))
  const edges: DiagramEdge[] = []
  for (const t of drawn)
    for (const f of t.foreignKeys) {
      const target = tableKey({ schema: f.references.schema ?? t.schema, name: f.references.table })
      if (!keys.has(target)) continue
      edges.push({ from: prefix + tableKey(t), to: prefix + target, label: `${f.columns.join(', ')} → ${f.references.columns.join(', ')}` })
    }
  return { tables, edges }
}

/** Several diagrams as one (one per datasource). */
export function mergeDiagrams(diagrams: SchemaDiagram[]): SchemaDiagram {
  return { tables: diagrams.flatMap((d) => d.tables), edges: diagrams.flatMap((d) => d.edges) }
}
