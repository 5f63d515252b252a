import type { Change } from '../../schema/changes.js'
import type { Column, ForeignKey, Index, Table, TableRef } from '../../schema/ir.js'
import type { RenderContext, Statement } from '../dialect.js'
import { foreignKeyClause, indexColumnList } from '../key-clauses.js'
import { OWNED_MARK } from './introspect.js'
import { quoteSqliteIdentifier as q, quoteSqliteLiteral } from './quote.js'
import { mentionsDroppedColumn, rebuildSqliteTableText, renameInSql } from './rebuild.js'
import { renderSqliteDefault, renderSqliteType } from './types.js'
import { sqliteConvertedValue } from './convert.js'

function column(c: Column, inlinePk: boolean): string {
  let sql = `${q(c.name)} ${renderSqliteType(c.type)}`.trimEnd()
  if (inlinePk) return `${sql} PRIMARY KEY AUTOINCREMENT`
  if (!c.isNullable) sql += ' NOT NULL'
  if (c.default) sql += ` DEFAULT ${renderSqliteDefault(c.default)}`
  return sql
}

function foreignKey(fk: ForeignKey): string {
  return foreignKeyClause(fk, q, q(fk.references.table))
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
  // A UNIQUE table constraint read from a hand-made table (its sqlite_autoindex_ can't be re-created by name).
  for (const ix of t.indexes) if (ix.isConstraint) parts.push(`UNIQUE (${ix.columns.map((c) => q(c.name)).join(', ')})`)
  for (const fk of t.foreignKeys) parts.push(foreignKey(fk))
  return `CREATE TABLE ${q(name)} ${OWNED_MARK} (\n  ${parts.join(',\n  ')}\n)`
}

function createIndex(table: TableRef, index: Index): string {
  if (!index.isOwned && index.sql) return index.sql
  return `CREATE ${index.isUnique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} ${index.isOwned ? OWNED_MARK + ' ' : ''}ON ${q(table.name)} (${indexColumnList(index, q)})`
}

/**
 * The rebuild of https://www.sqlite.org/lang_altertable.html#otheralter: new table, copy,
 * drop, rename, indexes and triggers again. Foreign-key enforcement is off meanwhile (set by
 * the migration lock, outside the transaction) and `foreign_key_check` runs before commit.
 * The new table is written from the old one's own CREATE TABLE text (see rebuild.ts), and
 * its AUTOINCREMENT sequence is carried across, so that deleted ids never come back.
 */
function rebuild(from: Table, to: Table, changes: Change[]): Statement[] {
  const temp = `_shipshape_new_${to.name}`
  const text = rebuildSqliteTableText(from, to, changes, temp, { column: (c) => column(c, false), foreignKey })
  // Renames run first as SQLite's own RENAME COLUMN, which rewrites the views and triggers that
  // name the column; the copy then reads the columns by their new names.
  const renames = text ? changes.filter((c) => c.kind === 'rename-column') : []
  if (renames.length) {
    const renamedTo = new Map(renames.map((c) => [c.from, c.to]))
    from = { ...from, columns: from.columns.map((c) => ({ ...c, name: renamedTo.get(c.name) ?? c.name })) }
  }
  const stmts: Statement[] = [
    ...renames.map((c) => ({ sql: `ALTER TABLE ${q(from.name)} RENAME COLUMN ${q(c.from)} TO ${q(c.to)}` })),
    { sql: text?.sql ?? createSqliteTable(to, temp) },
    copyRows(from, to, renames.length ? [] : changes, temp, text?.generated),
  ]
  if (text?.keepsSequence) {
    // The copy set the new table's sequence to its largest id; the old one's may be higher
    // (deleted rows), and ids must not be handed out twice (https://www.sqlite.org/autoinc.html).
    stmts.push(
      { sql: `DELETE FROM sqlite_sequence WHERE name = ${quoteSqliteLiteral(temp)}` },
      { sql: `INSERT INTO sqlite_sequence (name, seq) SELECT ${quoteSqliteLiteral(temp)}, seq FROM sqlite_sequence WHERE name = ${quoteSqliteLiteral(from.name)}` },
    )
  }
  stmts.push(
    { sql: `DROP TABLE ${q(from.name)}` },
    // Since 3.26 RENAME re-parses every view and trigger in the schema and fails on those that
    // read the dropped table; in legacy mode it doesn't, and they read the new table by name.
    // https://www.sqlite.org/pragma.html#pragma_legacy_alter_table
    { sql: `PRAGMA legacy_alter_table = ON` },
    { sql: `ALTER TABLE ${q(temp)} RENAME TO ${q(to.name)}` },
    { sql: `PRAGMA legacy_alter_table = OFF` },
  )
  stmts.push(...restoredIndexesAndTriggers(from, to, changes, !!text))
  return stmts
}

/**
 * The INSERT … SELECT that copies every row into the new table: each column from the same name or
 * the one it is renamed from (`changes`: renames not yet run), converted where its type changed as
 * the conversion model says (convert.ts), as ALTER … USING would elsewhere (SQLite itself would
 * keep the old values untouched under the new declared type). A generated column is computed by
 * the new table, not copied into it.
 */
function copyRows(from: Table, to: Table, changes: Change[], temp: string, generated: Set<string> | undefined): Statement {
  const renamed = new Map<string, string>()
  for (const c of changes) if (c.kind === 'rename-column') renamed.set(c.to, c.from)
  const fromType = new Map(from.columns.map((c) => [c.name, c.type]))
  const source = new Map<string, string>()
  for (const c of to.columns) {
    if (generated?.has(c.name)) continue
    const old = renamed.get(c.name) ?? c.name
    if (fromType.has(old)) source.set(c.name, old)
  }
  const targets = [...source.keys()]
  const expr = (target: string) => {
    const col = to.columns.find((c) => c.name === target)!
    const old = source.get(target)!
    const was = fromType.get(old)!
    if (JSON.stringify(was) === JSON.stringify(col.type)) return q(old)
    return sqliteConvertedValue(q(old), was, col.type)
  }
  return { sql: `INSERT INTO ${q(temp)} (${targets.map(q).join(', ')}) SELECT ${targets.map(expr).join(', ')} FROM ${q(from.name)}` }
}

/** What DROP TABLE took with the table: its indexes and triggers, as they were written (renamed columns followed). */
function restoredIndexesAndTriggers(from: Table, to: Table, changes: Change[], isFromText: boolean): Statement[] {
  const stmts: Statement[] = []
  for (const ix of to.indexes) {
    // A UNIQUE constraint's index came back with the table's own text.
    if (isFromText && ix.isConstraint) continue
    if (!ix.isOwned && ix.sql) {
      // A hand-made index over a dropped column goes with the column.
      if (mentionsDroppedColumn(ix.sql, changes)) continue
      stmts.push({ sql: renameInSql(ix.sql, changes) })
    } else stmts.push({ sql: createIndex(to, ix) })
  }
  for (const trigger of from.triggers ?? []) stmts.push({ sql: renameInSql(trigger, changes) })
  return stmts
}

/** SQLite statements for one change. */
export function renderSqlite(change: Change, _ctx: RenderContext): Statement[] {
  switch (change.kind) {
    case 'create-table':
      return [{ sql: createSqliteTable(change.table) }]
    case 'drop-table':
      return [{ sql: `DROP TABLE ${q(change.table.name)}` }]
    case 'rename-table':
      return [{ sql: `ALTER TABLE ${q(change.from)} RENAME TO ${q(change.table.name)}` }]
    case 'add-column':
      return [{ sql: `ALTER TABLE ${q(change.table.name)} ADD COLUMN ${column(change.column, false)}` }]
    case 'rename-column':
      return [{ sql: `ALTER TABLE ${q(change.table.name)} RENAME COLUMN ${q(change.from)} TO ${q(change.to)}` }]
    case 'add-index':
      return [{ sql: createIndex(change.table, change.index) }]
    case 'drop-index':
      return [{ sql: `DROP INDEX ${q(change.index.name)}` }]
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
