import { createHash } from 'node:crypto'
import type { Column, Table } from '../schema/ir.js'
import { findColumn, tableKey } from '../schema/ir.js'
import { describeLocation } from '../schema/plan.js'
import type { ExpandTable, ReshapedColumn } from './expand-plan.js'

/** One table with columns to reshape: as it is, as the new version wants it, and how each column gets there. */
export interface Reshaping {
  have: Table
  want: Table
  columns: ReshapedColumn[]
}

export interface TableNaming {
  /** The schema holding the tables (a table whose model names none). */
  schema: string
  maxIdentifierLength: number
  renderType(type: Column['type']): string
}

/**
 * The expand of one table: the key its backfill walks, each version's view columns and the names of
 * the objects it creates; or why it can't be expanded.
 */
export function expandTable({ have, want, columns }: Reshaping, naming: TableNaming): ExpandTable | { refused: string } {
  const pk = have.primaryKey?.columns ?? []
  if (pk.length !== 1)
    return { refused: `${describeLocation(want, undefined, want.model)}: the backfill walks the table by a single-column primary key, and this table has ${pk.length ? 'a composite one' : 'none'}.` }
  const keyCol = findColumn(have, pk[0]!)!
  if (columns.some((r) => (r.kind === 'rename' && r.from === keyCol.name) || (r.kind === 'convert' && r.from.name === keyCol.name)))
    return { refused: `${describeLocation(want, keyCol.name, want.model)}: the primary key itself can't be renamed or converted beside the old version.` }
  return {
    table: { schema: want.schema ?? naming.schema, name: want.name },
    model: want.model,
    key: keyCol.name,
    keyType: naming.renderType(keyCol.type),
    oldColumns: have.columns.map((c) => ({ name: c.name, physical: c.name, type: c.type })),
    newColumns: newVersionColumns(have, want, columns),
    columns,
    objects: objectNames(want.name, columns, naming.maxIdentifierLength),
  }
}

/** The new version's view columns: its names, each over the physical column holding its values now. */
function newVersionColumns(have: Table, want: Table, columns: ReshapedColumn[]): ExpandTable['newColumns'] {
  const physicalOf = (v2name: string): string => {
    for (const r of columns) {
      if (r.kind === 'rename' && r.to === v2name) return r.from
      if (r.kind === 'convert' && r.to.name === v2name) return r.physical
    }
    return v2name
  }
  const removed = new Set(columns.flatMap((r) => (r.kind === 'remove' ? [r.column.name] : [])))
  return want.columns
    .filter((c) => !removed.has(c.name))
    .map((c) => {
      const physical = physicalOf(c.name)
      const live = findColumn(have, physical)
      return { name: c.name, physical, type: live && physical === c.name ? live.type : c.type }
    })
}

/** The trigger, its function and one conversion function per direction and column, named within the engine's limit. */
function objectNames(table: string, columns: ReshapedColumn[], max: number): ExpandTable['objects'] {
  const fnName = (dir: 'up' | 'down', column: string): [string, string] => [`${dir}:${column}`, objectName(max, `_shipshape_${dir}`, `${table}_${column}`)]
  return {
    trigger: objectName(max, '_shipshape_expand', table),
    triggerFunction: objectName(max, '_shipshape_expand', table),
    functions: Object.fromEntries(
      columns.flatMap((r): Array<[string, string]> => {
        if (r.kind === 'convert') return [fnName('up', r.to.name), fnName('down', r.to.name)]
        if (r.kind === 'add') return [fnName('up', r.column.name)]
        if (r.kind === 'remove' && r.down) return [fnName('down', r.column.name)]
        return []
      }),
    ),
  }
}

/** One line per reshaped column, for people. */
export function summaryOf(tables: ExpandTable[]): string[] {
  return tables.flatMap((t) =>
    t.columns.map((r) => {
      const name = tableKey(t.table)
      switch (r.kind) {
        case 'rename':
          return `${name}.${r.from} → ${r.to}: renamed in the new version's view; renamed in place at contract`
        case 'convert':
          return `${name}.${r.from.name} → ${r.to.name}: new column beside the old, kept in step (up: ${r.up}; down: ${r.down}), backfilled`
        case 'add':
          return `${name}.${r.column.name}: new column filled from the old version's writes (up: ${r.up}), backfilled`
        case 'remove':
          return `${name}.${r.column.name}: only the old version has it${r.down ? ` (filled by down: ${r.down})` : r.madeNullable ? ' (made nullable meanwhile)' : ''}${r.drop ? '; dropped at contract' : ''}`
      }
    }),
  )
}

/** A version label (`v2`): it names a schema of views and goes on the search path, so a short identifier. */
export function isVersionLabel(v: string): boolean {
  return /^[A-Za-z0-9_]{1,20}$/.test(v)
}

/** The schema holding a version's views: `<schema>_<version>`, cut to the engine's limit. */
export function versionSchema(schema: string, version: string, maxIdentifierLength: number): string {
  return objectName(maxIdentifierLength, schema, version)
}

/** `<prefix>_<name>`, cut to the engine's limit with a short hash so that cut names stay distinct. */
export function objectName(max: number, prefix: string, name: string): string {
  const full = `${prefix}_${name}`
  if (Buffer.byteLength(full) <= max) return full
  const hash = createHash('sha1').update(full).digest('hex').slice(0, 8)
  let cut = full
  while (Buffer.byteLength(cut) > max - 9) cut = cut.slice(0, -1)
  return `${cut}_${hash}`
}
