import type { Change } from './changes.js'
import type { Database, Table } from './ir.js'
import { findTable, tableKey } from './ir.js'

/**
 * The schema after the changes: what the database will hold once a plan has run.
 * Rebuilds use it to know a table's final shape; versioned migrations use it as their snapshot.
 */
export function applyChanges(db: Database, changes: readonly Change[]): Database {
  const out: Database = { tables: db.tables.map(cloneTable), ...(db.schemas ? { schemas: [...db.schemas] } : {}) }
  for (const c of changes) applyChangeInPlace(out, c)
  return out
}

/**
 * Applies one change to a database value in place (cloning only what the change brings in).
 * Planning thousands of changes uses this to stay linear.
 */
export function applyChangeInPlace(db: Database, c: Change): void {
  let tables = db.tables
  const get = (ref: { schema?: string; name: string }) => {
    const t = findTable({ tables }, ref)
    if (!t) throw new Error(`applyChanges: no table ${tableKey(ref)}`)
    return t
  }
  {
    switch (c.kind) {
      case 'create-schema':
        if (db.schemas && !db.schemas.includes(c.schema)) db.schemas.push(c.schema)
        break
      case 'create-table':
        tables.push(cloneTable(c.table))
        break
      case 'drop-table':
        tables = tables.filter((t) => tableKey(t) !== tableKey(c.table))
        break
      case 'rename-table': {
        const t = get({ schema: c.table.schema, name: c.from })
        t.name = c.table.name
        break
      }
      case 'add-column':
        get(c.table).columns.push({ ...c.column })
        break
      case 'drop-column': {
        const t = get(c.table)
        t.columns = t.columns.filter((x) => x.name !== c.column.name)
        break
      }
      case 'rename-column': {
        const t = get(c.table)
        for (const col of t.columns) if (col.name === c.from) col.name = c.to
        const rename = (n: string) => (n === c.from ? c.to : n)
        if (t.primaryKey) t.primaryKey.columns = t.primaryKey.columns.map(rename)
        for (const ix of t.indexes) ix.columns = ix.columns.map((x) => ({ ...x, name: rename(x.name) }))
        for (const fk of t.foreignKeys) fk.columns = fk.columns.map(rename)
        break
      }
      case 'alter-column': {
        const t = get(c.table)
        t.columns = t.columns.map((x) => (x.name === c.from.name ? { ...c.to } : x))
        break
      }
      case 'set-primary-key': {
        const t = get(c.table)
        if (c.to) t.primaryKey = { ...c.to, columns: [...c.to.columns] }
        else delete t.primaryKey
        break
      }
      case 'add-index': {
        const t = get(c.table)
        if (c.adoptFrom) t.indexes = t.indexes.filter((x) => x.name !== c.adoptFrom)
        t.indexes.push({ ...c.index, columns: c.index.columns.map((x) => ({ ...x })) })
        break
      }
      case 'drop-index': {
        const t = get(c.table)
        t.indexes = t.indexes.filter((x) => x.name !== c.index.name)
        break
      }
      case 'add-foreign-key':
        get(c.table).foreignKeys.push(structuredClone(c.foreignKey))
        break
      case 'drop-foreign-key': {
        const t = get(c.table)
        t.foreignKeys = t.foreignKeys.filter((x) => x.name !== c.foreignKey.name)
        break
      }
      case 'rebuild-table':
        tables = tables.map((t) => (tableKey(t) === tableKey(c.from) ? cloneTable(c.to) : t))
        break
      default: {
        const never: never = c
        throw new Error(`applyChanges: unknown change ${JSON.stringify(never)}`)
      }
    }
  }
  db.tables = tables
}

function cloneTable(t: Table): Table {
  return structuredClone(t)
}
