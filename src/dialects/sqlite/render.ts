import type { Change } from '../../schema/changes.js'
import type { Column, ForeignKey, Index, Table, TableRef } from '../../schema/ir.js'
import type { RenderContext, Statement } from '../dialect.js'
import { OWNED_MARK } from './introspect.js'
import { quoteSqliteIdentifier as q } from './quote.js'
import { renderSqliteDefault, renderSqliteType } from './types.js'

function column(c: Column, inlinePk: boolean): string {
  let sql = `${q(c.name)} ${renderSqliteType(c.type)}`.trimEnd()
  if (inlinePk) return `${sql} PRIMARY KEY AUTOINCREMENT`
  if (!c.isNullable) sql += ' NOT NULL'
  if (c.default) sql += ` DEFAULT ${renderSqliteDefault(c.default)}`
  return sql
}

function foreignKey(fk: ForeignKey): string {
  return (
    `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) ` +
    `REFERENCES ${q(fk.references.table)} (${fk.references.columns.map(q).join(', ')})` +
    (fk.onDelete !== 'no action' ? ` ON DELETE ${fk.onDelete.toUpperCase()}` : '') +
    (fk.onUpdate !== 'no action' ? ` ON UPDATE ${fk.onUpdate.toUpperCase()}` : '')
  )
}

/** CREATE TABLE with the ownership mark; foreign keys inline, as SQLite can't add them later. */
export function createSqliteTable(t: Table, name = t.name): string {
  const pk = t.primaryKey?.columns ?? []
  const auto = t.columns.filter((c) => c.isAutoIncrement)
  if (auto.length > 1 || (auto.length === 1 && (pk.length !== 1 || pk[0] !== auto[0]!.name)))
    throw new Error(
      `Table "${t.name}": SQLite generates values only for a single INTEGER primary key column; ` +
        `"${auto.map((c) => c.name).join('", "')}" can't be generated here.`,
    )
  const parts = t.columns.map((c) => column(c, !!c.isAutoIncrement))
  if (pk.length && !auto.length) parts.push(`PRIMARY KEY (${pk.map(q).join(', ')})`)
  for (const fk of t.foreignKeys) parts.push(foreignKey(fk))
  return `CREATE TABLE ${q(name)} ${OWNED_MARK} (\n  ${parts.join(',\n  ')}\n)`
}

function createIndex(table: TableRef, index: Index): string {
  if (!index.isOwned && index.sql) return index.sql
  const cols = index.columns.map((c) => `${q(c.name)}${c.order === 'desc' ? ' DESC' : ''}`).join(', ')
  return `CREATE ${index.isUnique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} ${index.isOwned ? OWNED_MARK + ' ' : ''}ON ${q(table.name)} (${cols})`
}

/**
 * The rebuild of https://www.sqlite.org/lang_altertable.html#otheralter: new table, copy,
 * drop, rename, indexes again. Foreign-key enforcement is off meanwhile (set by the
 * migration lock, outside the transaction) and `foreign_key_check` runs before commit.
 */
function rebuild(from: Table, to: Table, changes: Change[]): Statement[] {
  const temp = `_shipshape_new_${to.name}`
  // Where each new column's data comes from: the same name, or the name it was renamed from.
  const source = new Map<string, string>()
  const renamed = new Map<string, string>()
  for (const c of changes) if (c.kind === 'rename-column') renamed.set(c.to, c.from)
  const fromCols = new Set(from.columns.map((c) => c.name))
  for (const c of to.columns) {
    const old = renamed.get(c.name) ?? c.name
    if (fromCols.has(old)) source.set(c.name, old)
  }
  const targets = [...source.keys()]
  const fromType = new Map(from.columns.map((c) => [c.name, c.type]))
  // A changed type converts with an explicit cast, as ALTER … USING would elsewhere
  // (SQLite itself would keep the old values untouched under the new declared type).
  const expr = (target: string) => {
    const col = to.columns.find((c) => c.name === target)!
    const old = source.get(target)!
    const was = fromType.get(old)!
    if (JSON.stringify(was) === JSON.stringify(col.type)) return q(old)
    switch (col.type.kind) {
      case 'varchar':
      case 'char':
        return `substr(CAST(${q(old)} AS TEXT), 1, ${col.type.length})`
      case 'text':
        return `CAST(${q(old)} AS TEXT)`
      case 'smallint':
      case 'integer':
      case 'bigint':
        return `CAST(${q(old)} AS INTEGER)`
      case 'real':
      case 'double':
        return `CAST(${q(old)} AS REAL)`
      case 'decimal':
        return `CAST(${q(old)} AS NUMERIC)`
      default:
        return q(old)
    }
  }
  const stmts: Statement[] = [
    { sql: createSqliteTable(to, temp) },
    {
      sql: `INSERT INTO ${q(temp)} (${targets.map(q).join(', ')}) SELECT ${targets.map(expr).join(', ')} FROM ${q(from.name)}`,
    },
    { sql: `DROP TABLE ${q(from.name)}` },
    { sql: `ALTER TABLE ${q(temp)} RENAME TO ${q(to.name)}` },
  ]
  for (const ix of to.indexes) stmts.push({ sql: createIndex(to, ix) })
  // DROP TABLE took the table's triggers with it; put them back as they were written.
  for (const trigger of from.triggers ?? []) stmts.push({ sql: trigger })
  return stmts
}

/** SQLite statements for one change. */
export function renderSqlite(change: Change, _ctx: RenderContext): Statement[] {
  switch (change.kind) {
    case 'create-table':
      return [{ sql: createSqliteTable(change.table), reverse: `DROP TABLE ${q(change.table.name)}` }]
    case 'drop-table':
      return [{ sql: `DROP TABLE ${q(change.table.name)}` }]
    case 'rename-table':
      return [
        {
          sql: `ALTER TABLE ${q(change.from)} RENAME TO ${q(change.table.name)}`,
          reverse: `ALTER TABLE ${q(change.table.name)} RENAME TO ${q(change.from)}`,
        },
      ]
    case 'add-column':
      return [
        {
          sql: `ALTER TABLE ${q(change.table.name)} ADD COLUMN ${column(change.column, false)}`,
          reverse: `ALTER TABLE ${q(change.table.name)} DROP COLUMN ${q(change.column.name)}`,
        },
      ]
    case 'rename-column':
      return [
        {
          sql: `ALTER TABLE ${q(change.table.name)} RENAME COLUMN ${q(change.from)} TO ${q(change.to)}`,
          reverse: `ALTER TABLE ${q(change.table.name)} RENAME COLUMN ${q(change.to)} TO ${q(change.from)}`,
        },
      ]
    case 'add-index':
      return [{ sql: createIndex(change.table, change.index), reverse: `DROP INDEX ${q(change.index.name)}` }]
    case 'drop-index':
      return [{ sql: `DROP INDEX ${q(change.index.name)}`, reverse: createIndex(change.table, change.index) }]
    case 'rebuild-table':
      return rebuild(change.from, change.to, change.changes)
    case 'create-schema':
      throw new Error('SQLite has no schemas; a create-schema change is never planned for it')
    case 'drop-column':
    case 'alter-column':
    case 'set-primary-key':
    case 'add-foreign-key':
    case 'drop-foreign-key':
      throw new Error(`SQLite can't ${change.kind.replace(/-/g, ' ')} in place; the plan should have rebuilt the table`)
    default: {
      const never: never = change
      throw new Error(`Unknown change ${JSON.stringify(never)}`)
    }
  }
}

/** Whether SQLite's ALTER TABLE can make this change (https://www.sqlite.org/lang_altertable.html). */
export function sqliteCanAlter(change: Change): boolean {
  switch (change.kind) {
    case 'add-column': {
      const c = change.column
      // ADD COLUMN can't add a primary key, an expression default, or NOT NULL without a default.
      if (c.isAutoIncrement) return false
      if (c.default && c.default.kind !== 'value') return false
      if (!c.isNullable && !c.default) return false
      return true
    }
    case 'create-table':
    case 'drop-table':
    case 'rename-table':
    case 'rename-column':
    case 'add-index':
    case 'drop-index':
    case 'rebuild-table':
      return true
    default:
      return false
  }
}
