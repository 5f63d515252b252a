import type { Connection } from '../connection.js'
import type { Column, ColumnAttributes, Database, Index, ReferentialAction, Table, TableRef } from '../../schema/ir.js'
import { tableKey } from '../../schema/ir.js'
import { parseMysqlDefault, parseMysqlType } from './types.js'

/**
 * Marker in an index's COMMENT: the index is Shipshape's to drop. A foreign key is Shipshape's
 * when its backing index (same name, same table) carries the marker: Shipshape adds both in one
 * ALTER TABLE, and MySQL has no comments on constraints themselves.
 */
export const OWNED_COMMENT = 'shipshape'

type Row = Record<string, any>

/** `(TABLE_SCHEMA, TABLE_NAME) IN ((?, ?), …)` for the wanted tables: one query however many. */
function wantedFilter(prefix: string, refs: Array<{ schema: string; name: string }>) {
  const schemas = [...new Set(refs.map((r) => r.schema))]
  // The schema list lets the server open only those databases' dictionaries
  // (https://dev.mysql.com/doc/refman/8.0/en/information-schema-optimization.html).
  const sql =
    `${prefix}TABLE_SCHEMA IN (${schemas.map(() => '?').join(', ')}) ` +
    `AND (${prefix}TABLE_SCHEMA, ${prefix}TABLE_NAME) IN (${refs.map(() => '(?, ?)').join(', ')})`
  return { sql, params: [...schemas, ...refs.flatMap((r) => [r.schema, r.name])] }
}

const ACTIONS: Record<string, ReferentialAction> = {
  CASCADE: 'cascade',
  'SET NULL': 'set null',
  'SET DEFAULT': 'set default',
  RESTRICT: 'restrict',
  'NO ACTION': 'no action',
}

type Wanted = Array<{ schema: string; name: string }>

/** What the column query found: the rows of the wanted base tables, and each table's collation. */
interface ColumnRows {
  rows: Row[]
  tableCollation: Map<string, string | null>
}

/** Column-level facts only MariaDB keeps as CHECK constraints. */
interface MariadbChecks {
  /** `table\0column` of JSON columns (LONGTEXT + json_valid). */
  jsonColumns: Set<string>
  /** `table\0column` → the column's other checks, restated when MODIFY COLUMN rewrites it. */
  columnChecks: Map<string, string[]>
}

/**
 * Reads the given tables from information_schema: four queries on MySQL, five on MariaDB
 * (its JSON columns are LONGTEXT with a json_valid() check), however many tables.
 * Tables that don't exist are absent from the result.
 */
export async function introspectMysql(conn: Connection, refs: TableRef[], defaultSchema: string): Promise<Database> {
  if (refs.length === 0) return { tables: [] }
  const wanted = refs.map((r) => ({ schema: r.schema ?? defaultSchema, name: r.name }))
  const cols = await queryColumns(conn, wanted)
  if (cols.rows.length === 0) return { tables: [] }
  const isMariadb = /mariadb/i.test(String(cols.rows[0]!.version))
  const stats = await queryIndexes(conn, wanted)
  const fks = await queryForeignKeys(conn, wanted)
  const checks = isMariadb ? await queryMariadbChecks(conn, wanted) : { jsonColumns: new Set<string>(), columnChecks: new Map() }

  const tables = buildColumns(cols, checks, isMariadb)
  const indexes = buildIndexes(tables, stats)
  const backing = attachForeignKeys(tables, fks, indexes)
  for (const [key, { t, index, isPrimary }] of indexes) {
    if (isPrimary) t.primaryKey = { name: 'PRIMARY', columns: index.columns.map((c) => c.name) }
    else if (!backing.has(key)) t.indexes.push(index)
  }

  // Keep the caller's order.
  const out: Table[] = []
  for (const w of wanted) {
    const t = tables.get(tableKey(w))
    if (t && !out.includes(t)) out.push(t)
  }
  return { tables: out }
}

/** The wanted base tables' columns (two queries: tables, then columns). */
async function queryColumns(conn: Connection, wanted: Wanted): Promise<ColumnRows> {
  const c = wantedFilter('c.', wanted)
  // Views are told apart by a query of their own: joining COLUMNS to TABLES makes MariaDB
  // open every table's definition twice (about 10x slower at 500 tables).
  const tb = wantedFilter('', wanted)
  const baseTables = await conn.query<Row>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_COLLATION AS coll FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND ${tb.sql}`,
    tb.params,
  )
  const cols = await conn.query<Row>(
    `SELECT c.TABLE_SCHEMA AS s, c.TABLE_NAME AS t, c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type,
            c.IS_NULLABLE AS nullable, c.COLUMN_DEFAULT AS dflt, c.EXTRA AS extra, VERSION() AS version,
            c.CHARACTER_SET_NAME AS charset, c.COLLATION_NAME AS coll, c.COLUMN_COMMENT AS comment,
            c.GENERATION_EXPRESSION AS gen
     FROM information_schema.COLUMNS c
     WHERE ${c.sql}
     ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION`,
    c.params,
  )
  // information_schema compares names case-insensitively; keep exact matches of base tables only.
  const wantedKeys = new Set(wanted.map(tableKey))
  const isBase = new Set(baseTables.rows.map((r) => tableKey({ schema: r.s, name: r.t })))
  const tableCollation = new Map(baseTables.rows.map((r) => [tableKey({ schema: r.s, name: r.t }), r.coll as string | null]))
  const rows = cols.rows.filter((r) => {
    const key = tableKey({ schema: r.s, name: r.t })
    return wantedKeys.has(key) && isBase.has(key)
  })
  return { rows, tableCollation }
}

async function queryIndexes(conn: Connection, wanted: Wanted): Promise<Row[]> {
  const s = wantedFilter('s.', wanted)
  const stats = await conn.query<Row>(
    `SELECT s.TABLE_SCHEMA AS s, s.TABLE_NAME AS t, s.INDEX_NAME AS ix, s.NON_UNIQUE AS non_unique,
            s.COLUMN_NAME AS col, s.COLLATION AS coll, s.SUB_PART AS sub_part, s.INDEX_TYPE AS ix_type,
            s.INDEX_COMMENT AS comment
     FROM information_schema.STATISTICS s WHERE ${s.sql}
     ORDER BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX`,
    s.params,
  )
  return stats.rows
}

async function queryForeignKeys(conn: Connection, wanted: Wanted): Promise<Row[]> {
  const k = wantedFilter('k.', wanted)
  const fks = await conn.query<Row>(
    `SELECT k.TABLE_SCHEMA AS s, k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col,
            k.REFERENCED_TABLE_SCHEMA AS ref_schema, k.REFERENCED_TABLE_NAME AS ref_table,
            k.REFERENCED_COLUMN_NAME AS ref_col, r.UPDATE_RULE AS on_update, r.DELETE_RULE AS on_delete
     FROM information_schema.KEY_COLUMN_USAGE k
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
     WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND ${k.sql}
     ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    k.params,
  )
  return fks.rows
}

/**
 * MariaDB's JSON is an alias of LONGTEXT plus CHECK (json_valid(`col`)) named after the column
 * (https://mariadb.com/kb/en/json-data-type/).
 */
async function queryMariadbChecks(conn: Connection, wanted: Wanted): Promise<MariadbChecks> {
  const out: MariadbChecks = { jsonColumns: new Set(), columnChecks: new Map() }
  const x = wantedFilter('cc.', wanted)
  const checks = await conn.query<Row>(
    `SELECT cc.CONSTRAINT_SCHEMA AS s, cc.TABLE_NAME AS t, cc.CHECK_CLAUSE AS clause,
            cc.CONSTRAINT_NAME AS name, cc.LEVEL AS level
     FROM information_schema.CHECK_CONSTRAINTS cc
     WHERE cc.CONSTRAINT_SCHEMA IN (${[...new Set(wanted.map((w) => w.schema))].map(() => '?').join(', ')})
       AND (cc.CONSTRAINT_SCHEMA, cc.TABLE_NAME) IN (${wanted.map(() => '(?, ?)').join(', ')})`,
    x.params,
  )
  for (const r of checks.rows) {
    const m = /^json_valid\(`((?:[^`]|``)*)`\)$/i.exec(String(r.clause).trim())
    if (m) out.jsonColumns.add(`${tableKey({ schema: r.s, name: r.t })}\0${m[1]!.replace(/``/g, '`')}`)
    else if (r.level === 'Column') {
      // MariaDB names a column-level check after its column.
      const key = `${tableKey({ schema: r.s, name: r.t })}\0${r.name}`
      out.columnChecks.set(key, [...(out.columnChecks.get(key) ?? []), String(r.clause)])
    }
  }
  return out
}

/** The tables, keyed by tableKey, with their columns. */
function buildColumns({ rows, tableCollation }: ColumnRows, { jsonColumns, columnChecks }: MariadbChecks, isMariadb: boolean): Map<string, Table> {
  const tables = new Map<string, Table>()
  for (const r of rows) {
    const key = tableKey({ schema: r.s, name: r.t })
    let t = tables.get(key)
    if (!t) {
      t = { schema: r.s, name: r.t, columns: [], indexes: [], foreignKeys: [] }
      tables.set(key, t)
    }
    const extra = String(r.extra ?? '').toLowerCase()
    let type = parseMysqlType(String(r.type))
    if (jsonColumns.has(`${key}\0${r.name}`) && type.kind === 'native' && type.sql === 'longtext')
      type = { kind: 'json', binary: false }
    let dflt = parseMysqlDefault(r.dflt, { isMariadb, isExpression: extra.includes('default_generated') })
    if (dflt?.kind === 'value' && type.kind === 'timestamp') dflt = { kind: 'value', value: isoTimestamp(dflt.value) }
    // MariaDB gives a NOT NULL DATETIME with ON UPDATE and no default a zero-date default of its own.
    if (dflt?.kind === 'value' && /^0000-00-00/.test(String(dflt.value)) && /\bon update\b/.test(extra) && r.nullable !== 'YES') dflt = undefined
    // The data dictionary keeps defaults in utf8mb3: a character outside the BMP reads back as '?'
    // though the column gets the right one.
    if (dflt?.kind === 'value' && typeof dflt.value === 'string' && dflt.value.includes('?')) dflt = { ...dflt, masksSupplementaryChars: true }
    const column: Column = {
      name: r.name,
      type,
      isNullable: r.nullable === 'YES',
      ...(dflt ? { default: dflt } : {}),
      ...(extra.includes('auto_increment') ? { isAutoIncrement: true } : {}),
    }
    const attributes = columnAttributes(r, extra, tableCollation.get(key), columnChecks.get(`${key}\0${r.name}`))
    if (attributes) column.attributes = attributes
    t.columns.push(column)
  }
  return tables
}

type IndexEntry = { t: Table; index: Index; isPrimary: boolean }

/** Every index (the primary key and foreign keys' backing indexes among them), keyed `table\0index`. */
function buildIndexes(tables: Map<string, Table>, stats: Row[]): Map<string, IndexEntry> {
  const indexes = new Map<string, IndexEntry>()
  for (const r of stats) {
    const t = tables.get(tableKey({ schema: r.s, name: r.t }))
    if (!t) continue
    const key = `${tableKey(t)}\0${r.ix}`
    let entry = indexes.get(key)
    if (!entry) {
      entry = {
        t,
        isPrimary: r.ix === 'PRIMARY',
        index: { name: r.ix, columns: [], isUnique: Number(r.non_unique) === 0, isOwned: r.comment === OWNED_COMMENT },
      }
      // Prefix, functional, FULLTEXT and SPATIAL indexes can't be expressed in the neutral schema.
      if (r.ix_type !== 'BTREE') entry.index.isOpaque = true
      indexes.set(key, entry)
    }
    if (r.col == null || r.sub_part != null) entry.index.isOpaque = true
    if (r.col != null) entry.index.columns.push({ name: r.col, order: r.coll === 'D' ? 'desc' : 'asc' })
  }
  return indexes
}

/** Adds each table's foreign keys; returns the keys (`table\0name`) of the indexes backing them. */
function attachForeignKeys(tables: Map<string, Table>, fks: Row[], indexes: Map<string, IndexEntry>): Set<string> {
  const fkGroups = new Map<string, { t: Table; rows: Row[] }>()
  for (const r of fks) {
    const t = tables.get(tableKey({ schema: r.s, name: r.t }))
    if (!t) continue
    const key = `${tableKey(t)}\0${r.name}`
    const g = fkGroups.get(key) ?? { t, rows: [] }
    g.rows.push(r)
    fkGroups.set(key, g)
  }
  const backing = new Set<string>()
  for (const [key, { t, rows: g }] of fkGroups) {
    const first = g[0]!
    // InnoDB keeps an index for every foreign key; made implicitly, it takes the key's name
    // (https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html).
    const index = indexes.get(key)?.index
    t.foreignKeys.push({
      name: first.name,
      columns: g.map((r) => r.col),
      references: {
        ...(first.ref_schema !== t.schema ? { schema: first.ref_schema } : {}),
        table: first.ref_table,
        columns: g.map((r) => r.ref_col),
      },
      onDelete: ACTIONS[String(first.on_delete).toUpperCase()] ?? 'no action',
      onUpdate: ACTIONS[String(first.on_update).toUpperCase()] ?? 'no action',
      isOwned: !!index?.isOwned,
      ...(index ? { backingIndex: index.name } : {}),
    })
    if (index) backing.add(key)
  }
  return backing
}

/** What MODIFY COLUMN must be told again to keep: charset, collation, ON UPDATE, comment, … */
function columnAttributes(r: Row, extra: string, tableCollation: string | null | undefined, checks: string[] | undefined): ColumnAttributes | undefined {
  const a: ColumnAttributes = {}
  // The table's default needn't be restated: MODIFY falls back to it.
  if (r.coll && r.coll !== tableCollation) {
    if (r.charset) a.charset = String(r.charset)
    a.collation = String(r.coll)
  }
  // MariaDB: `on update current_timestamp(3)`; MySQL: `DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)`.
  const onUpdate = /\bon update (\S+)/i.exec(String(r.extra ?? ''))
  if (onUpdate) a.onUpdate = onUpdate[1]!
  if (r.comment) a.comment = String(r.comment)
  if (/\binvisible\b/.test(extra)) a.isInvisible = true
  if (/\b(virtual|stored) generated\b/.test(extra) && r.gen != null)
    a.generated = { expression: String(r.gen), isStored: extra.includes('stored generated') }
  if (checks?.length) a.checks = checks
  return Object.keys(a).length ? a : undefined
}

/**
 * A DATETIME literal as the ISO-8601 UTC text a model's Date default becomes, so the two compare
 * equal (sessions run in UTC; see connection.ts).
 */
function isoTimestamp(value: string | number | boolean): string | number | boolean {
  const m = typeof value === 'string' && /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(value)
  if (!m) return value
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`
}
