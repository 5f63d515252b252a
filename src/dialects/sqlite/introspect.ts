import type { Connection } from '../connection.js'
import type { Database, Index, ReferentialAction, Table, TableRef } from '../../schema/ir.js'
import { parseSqliteDefault, parseSqliteType } from './types.js'

/** Comment Shipshape writes into the CREATE statements it issues; SQLite keeps it in sqlite_schema. */
export const OWNED_MARK = '/*shipshape*/'

// Four queries whatever the number of tables: the pragma table-valued functions joined
// against the wanted names (https://www.sqlite.org/pragma.html#pragfunc).
const WANTED = `SELECT m.name AS tbl, m.sql AS tsql FROM sqlite_schema m
  WHERE m.type = 'table' AND m.name IN (SELECT value FROM json_each(?))`

const COLUMNS_SQL = `SELECT w.tbl, w.tsql, p.cid, p.name, p.type, p."notnull" AS isnotnull, p.dflt_value, p.pk, p.hidden
  FROM (${WANTED}) w JOIN pragma_table_xinfo(w.tbl) p ORDER BY w.tbl, p.cid`

const INDEXES_SQL = `SELECT w.tbl, il.name AS ix, il."unique" AS isunique, il.origin, il.partial, s.sql AS ixsql,
    x.seqno, x.name AS col, x."desc" AS isdesc, x.key
  FROM (${WANTED}) w JOIN pragma_index_list(w.tbl) il JOIN pragma_index_xinfo(il.name) x
  LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = il.name
  WHERE il.origin <> 'pk' AND x.key = 1 ORDER BY w.tbl, il.name, x.seqno`

const FOREIGN_KEYS_SQL = `SELECT w.tbl, f.id, f.seq, f."table" AS reftable, f."from" AS col, f."to" AS refcol,
    f.on_update, f.on_delete
  FROM (${WANTED}) w JOIN pragma_foreign_key_list(w.tbl) f ORDER BY w.tbl, f.id, f.seq`

const TRIGGERS_SQL = `SELECT tbl_name AS tbl, sql FROM sqlite_schema
  WHERE type = 'trigger' AND tbl_name IN (SELECT value FROM json_each(?)) ORDER BY tbl_name, name`

type Row = Record<string, any>

/** Reads the given tables in four queries (columns, indexes, foreign keys, triggers), however many tables. */
export async function introspectSqlite(conn: Connection, refs: TableRef[]): Promise<Database> {
  const names = JSON.stringify(refs.map((r) => r.name))
  const cols = await conn.query<Row>(COLUMNS_SQL, [names])
  const idx = await conn.query<Row>(INDEXES_SQL, [names])
  const fks = await conn.query<Row>(FOREIGN_KEYS_SQL, [names])
  const triggers = await conn.query<Row>(TRIGGERS_SQL, [names])
  const tables = buildColumns(cols.rows)
  attachIndexes(tables, idx.rows)
  attachForeignKeys(tables, fks.rows)
  for (const r of triggers.rows) {
    const t = tables.get(r.tbl)
    if (t && r.sql) (t.triggers ??= []).push(r.sql)
  }
  return { tables: refs.map((r) => tables.get(r.name)).filter((t): t is Table => !!t) }
}

/** The tables, by name, with their columns and primary keys. */
function buildColumns(rows: Row[]): Map<string, Table> {
  const tables = new Map<string, Table>()
  const pkCols = new Map<string, Array<[number, string]>>()
  for (const r of rows) {
    let t = tables.get(r.tbl)
    if (!t) {
      t = { name: r.tbl, columns: [], indexes: [], foreignKeys: [], ...(r.tsql ? { sql: r.tsql } : {}) }
      tables.set(r.tbl, t)
    }
    if (r.hidden === 1) continue // virtual-table hidden columns
    const dflt = r.dflt_value != null ? parseSqliteDefault(String(r.dflt_value)) : undefined
    t.columns.push({
      name: r.name,
      type: parseSqliteType(r.type ?? ''),
      isNullable: !r.isnotnull,
      ...(dflt ? { default: dflt } : {}),
    })
    if (r.pk > 0) pkCols.set(r.tbl, [...(pkCols.get(r.tbl) ?? []), [r.pk, r.name]])
  }
  for (const [tbl, list] of pkCols) setPrimaryKey(tables.get(tbl)!, list.sort((a, b) => a[0] - b[0]).map(([, n]) => n))
  return tables
}

function setPrimaryKey(t: Table, columns: string[]) {
  t.primaryKey = { columns }
  // A single INTEGER primary key aliases the rowid; AUTOINCREMENT makes it never reuse ids.
  if (columns.length === 1 && /\bAUTOINCREMENT\b/i.test(t.sql ?? '')) {
    const c = t.columns.find((c) => c.name === columns[0])!
    if (c.type.kind === 'integer') c.isAutoIncrement = true
  }
  // A rowid-alias column can't hold NULL even when not declared NOT NULL.
  for (const c of t.columns) if (columns.includes(c.name)) c.isNullable = false
}

function attachIndexes(tables: Map<string, Table>, rows: Row[]) {
  const byIndex = new Map<string, Index>()
  for (const r of rows) {
    const t = tables.get(r.tbl)
    if (!t) continue
    let index = byIndex.get(r.ix)
    if (!index) {
      const sql: string = r.ixsql ?? ''
      index = {
        name: r.ix,
        columns: [],
        isUnique: r.isunique === 1,
        isOwned: sql.includes(OWNED_MARK),
        ...(r.origin === 'u' ? { isConstraint: true } : {}),
        ...(sql && !sql.includes(OWNED_MARK) ? { sql } : {}),
      }
      if (r.partial === 1) index.isOpaque = true
      byIndex.set(r.ix, index)
      t.indexes.push(index)
    }
    if (r.col == null) index.isOpaque = true // an expression
    else index.columns.push({ name: r.col, order: r.isdesc ? 'desc' : 'asc' })
  }
}

function attachForeignKeys(tables: Map<string, Table>, rows: Row[]) {
  const fkGroups = new Map<string, { t: Table; rows: Row[] }>()
  for (const r of rows) {
    const key = `${r.tbl}\0${r.id}`
    const g = fkGroups.get(key) ?? { t: tables.get(r.tbl)!, rows: [] }
    g.rows.push(r)
    fkGroups.set(key, g)
  }
  for (const { t, rows } of fkGroups.values()) {
    const columns = rows.map((r) => r.col as string)
    const refTable = rows[0]!.reftable as string
    let refColumns = rows.map((r) => r.refcol as string | null)
    if (refColumns.some((c) => c == null)) {
      // REFERENCES t with no columns means t's primary key.
      const target = tables.get(refTable)
      refColumns = target?.primaryKey?.columns ?? refColumns
    }
    const tableSql = t.sql ?? ''
    const named = constraintName(tableSql, columns)
    t.foreignKeys.push({
      name: named ?? `${t.name}_${columns.join('_')}_fkey`,
      columns,
      references: { table: refTable, columns: refColumns as string[] },
      onDelete: action(rows[0]!.on_delete),
      onUpdate: action(rows[0]!.on_update),
      isOwned: !!named && tableSql.includes(OWNED_MARK),
    })
  }
}

function action(a: string): ReferentialAction {
  const v = String(a ?? 'NO ACTION').toLowerCase() as ReferentialAction
  return ['cascade', 'set null', 'set default', 'restrict', 'no action'].includes(v) ? v : 'no action'
}

const IDENT = `(?:"(?:[^"]|"")*"|\`(?:[^\`]|\`\`)*\`|\\[[^\\]]*\\]|[A-Za-z_][A-Za-z0-9_$]*)`

function unquote(s: string): string {
  const t = s.trim()
  if (t.startsWith('"')) return t.slice(1, -1).replace(/""/g, '"')
  if (t.startsWith('`')) return t.slice(1, -1).replace(/``/g, '`')
  if (t.startsWith('[')) return t.slice(1, -1)
  return t
}

/** The name of `CONSTRAINT name FOREIGN KEY (cols)` in a CREATE TABLE text (pragmas don't report it). */
function constraintName(tableSql: string, columns: string[]): string | undefined {
  const re = new RegExp(`CONSTRAINT\\s+(${IDENT})\\s+FOREIGN\\s+KEY\\s*\\(((?:\\s*${IDENT}\\s*,?)+)\\)`, 'gi')
  for (const m of tableSql.matchAll(re)) {
    const cols = [...m[2]!.matchAll(new RegExp(IDENT, 'g'))].map((x) => unquote(x[0]))
    if (cols.join('\0') === columns.join('\0')) return unquote(m[1]!)
  }
  return undefined
}
