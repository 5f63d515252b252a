import type { Change } from './changes.js'
import type { Database, Table, TableRef } from './ir.js'
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
  switch (c.kind) {
    case 'create-schema':
      if (db.schemas && !db.schemas.includes(c.schema)) db.schemas.push(c.schema)
      break
    case 'create-table':
      db.tables.push(cloneTable(c.table))
      break
    case 'drop-table':
      db.tables = db.tables.filter((t) => tableKey(t) !== tableKey(c.table))
      break
    case 'rename-table':
      tableOf(db, { schema: c.table.schema, name: c.from }).name = c.table.name
      break
    case 'rebuild-table':
      db.tables = db.tables.map((t) => (tableKey(t) === tableKey(c.from) ? cloneTable(c.to) : t))
      break
    default:
      applyToTable(tableOf(db, c.table), c)
  }
}

function tableOf(db: Database, ref: TableRef): Table {
  const t = findTable(db, ref)
  if (!t) throw new Error(`applyChanges: no table ${tableKey(ref)}`)
  return t
}

type TableChange = Exclude<Change, { kind: 'create-schema' | 'create-table' | 'drop-table' | 'rename-table' | 'rebuild-table' }>

/** A change inside one existing table, applied to it in place. */
function applyToTable(t: Table, c: TableChange): void {
  switch (c.kind) {
    case 'add-column':
      t.columns.push({ ...c.column })
      break
    case 'drop-column':
      t.columns = t.columns.filter((x) => x.name !== c.column.name)
      break
    case 'rename-column': {
      for (const col of t.columns) if (col.name === c.from) col.name = c.to
      const rename = (n: string) => (n === c.from ? c.to : n)
      if (t.primaryKey) t.primaryKey.columns = t.primaryKey.columns.map(rename)
      for (const ix of t.indexes) ix.columns = ix.columns.map((x) => ({ ...x, name: rename(x.name) }))
      for (const fk of t.foreignKeys) fk.columns = fk.columns.map(rename)
      break
    }
    case 'alter-column':
      t.columns = t.columns.map((x) => (x.name === c.from.name ? { ...c.to } : x))
      break
    case 'set-primary-key':
      if (c.to) t.primaryKey = { ...c.to, columns: [...c.to.columns] }
      else delete t.primaryKey
      break
    case 'add-index':
      if (c.adoptFrom) t.indexes = t.indexes.filter((x) => x.name !== c.adoptFrom)
      t.indexes.push({ ...c.index, columns: c.index.columns.map((x) => ({ ...x })) })
      break
    case 'drop-index':
      t.indexes = t.indexes.filter((x) => x.name !== c.index.name)
      break
    case 'add-foreign-key':
      t.foreignKeys.push(structuredClone(c.foreignKey))
      break
    case 'drop-foreign-key':
      t.foreignKeys = t.foreignKeys.filter((x) => x.name !== c.foreignKey.name)
      break
    default: {
      const never: never = c
      throw new Error(`applyChanges: unknown change ${JSON.stringify(never)}`)
    }
  }
}

function cloneTable(t: Table): Table {
  return structuredClone(t)
}
