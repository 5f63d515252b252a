import type { Connection } from '../connection.js'
import type { Column, Database, ForeignKey, Index, ReferentialAction, Table, TableRef } from '../../schema/ir.js'
import { tableKey } from '../../schema/ir.js'
import { parsePostgresDefault, parsePostgresType } from './types.js'

/** Marker in COMMENT ON INDEX/CONSTRAINT: the object is Shipshape's to drop. */
export const OWNED_COMMENT = 'shipshape'

/**
 * Prefix of the temporary name a concurrent build runs under: the index is renamed and marked
 * in one statement once built, so one found under this name was built by Shipshape and never
 * finished (the process died in between). It is Shipshape's to drop, valid or not.
 */
export const BUILD_INDEX_PREFIX = 'shipshape_build_'
const isBuildName = (name: string) => name.startsWith(BUILD_INDEX_PREFIX) && /^[0-9a-f]{12}$/.test(name.slice(BUILD_INDEX_PREFIX.length))

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
}

// Four catalog queries, whatever the number of tables: the table list is bound as arrays.
const TABLES_CTE = `
  WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[]) AS w(nspname, relname)),
  rels AS (
    SELECT c.oid, n.nspname, c.relname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN wanted w ON w.nspname = n.nspname AND w.relname = c.relname
    WHERE c.relkind IN ('r', 'p'))`

const COLUMNS_SQL = `${TABLES_CTE}
  SELECT r.nspname, r.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
         a.attnotnull, pg_get_expr(d.adbin, d.adrelid) AS dflt, a.attidentity, a.attgenerated
  FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped
  ORDER BY r.nspname, r.relname, a.attnum`

const CONSTRAINTS_SQL = `${TABLES_CTE}
  SELECT r.nspname, r.relname, con.conname, con.contype, con.confupdtype, con.confdeltype,
         fn.nspname AS ref_schema, fc.relname AS ref_table,
         ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,
         ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS ref_cols,
         obj_description(con.oid, 'pg_constraint') AS comment, con.convalidated
  FROM rels r JOIN pg_constraint con ON con.conrelid = r.oid
  LEFT JOIN pg_class fc ON fc.oid = con.confrelid
  LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
  WHERE con.contype IN ('p', 'f')
  ORDER BY r.nspname, r.relname, con.conname`

const INDEXES_SQL = `${TABLES_CTE}
  SELECT r.nspname, r.relname, ic.relname AS indexname, ix.indisunique, ix.indisvalid,
         (ix.indexprs IS NOT NULL OR ix.indpred IS NOT NULL OR am.amname <> 'btree') AS opaque,
         uc.oid IS NOT NULL AS is_constraint,
         ARRAY(SELECT a.attname FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, i)
               JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,
         ix.indoption::int2[] AS options, ix.indnkeyatts,
         COALESCE(obj_description(ix.indexrelid, 'pg_class'), obj_description(uc.oid, 'pg_constraint')) AS comment
  FROM rels r JOIN pg_index ix ON ix.indrelid = r.oid
  JOIN pg_class ic ON ic.oid = ix.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  -- A join on the table's constraints, not a subquery per index: pg_constraint has no index on conindid.
  LEFT JOIN pg_constraint uc ON uc.conrelid = r.oid AND uc.conindid = ix.indexrelid AND uc.contype = 'u'
  WHERE NOT ix.indisprimary
  ORDER BY r.nspname, r.relname, ic.relname`

type Row = Record<string, any>

/** Reads the given tables (and whether their schemas exist) in four catalog queries. Tables that don't exist are absent. */
export async function introspectPostgres(conn: Connection, refs: TableRef[], defaultSchema: string): Promise<Database> {
  const schemas = refs.map((r) => r.schema ?? defaultSchema)
  const names = refs.map((r) => r.name)
  const params = [schemas, names]
  const [cols, cons, idx, nsp] = [
    await conn.query<Row>(COLUMNS_SQL, params),
    await conn.query<Row>(CONSTRAINTS_SQL, params),
    await conn.query<Row>(INDEXES_SQL, params),
    await conn.query<Row>(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])`, [[...new Set(schemas)]]),
  ]
  const tables = new Map<string, Table>()
  const get = (r: Row) => {
    const key = tableKey({ schema: r.nspname, name: r.relname })
    let t = tables.get(key)
    if (!t) {
      t = { schema: r.nspname, name: r.relname, columns: [], indexes: [], foreignKeys: [] }
      tables.set(key, t)
    }
    return t
  }
  for (const r of cols.rows) get(r).columns.push(readColumn(r))
  for (const r of cons.rows) {
    const t = get(r)
    if (r.contype === 'p') t.primaryKey = { name: r.conname, columns: r.cols }
    else t.foreignKeys.push(readForeignKey(r))
  }
  for (const r of idx.rows) get(r).indexes.push(readIndex(r))
  // Keep the caller's order; tables that aren't there stay absent.
  const out: Table[] = []
  for (const ref of refs) {
    const t = tables.get(tableKey({ schema: ref.schema ?? defaultSchema, name: ref.name }))
    if (t && !out.includes(t)) out.push(t)
  }
  return { tables: out, schemas: nsp.rows.map((r) => r.nspname as string) }
}

function readColumn(r: Row): Column {
  const dflt = r.dflt != null ? parsePostgresDefault(String(r.dflt)) : undefined
  const isSerial = dflt?.kind === 'sql' && /^nextval\(/i.test(dflt.sql)
  return {
    name: r.attname,
    type: parsePostgresType(r.type),
    isNullable: !r.attnotnull,
    ...(dflt && !isSerial ? { default: dflt } : {}),
    ...(r.attidentity === 'a' || r.attidentity === 'd' || isSerial ? { isAutoIncrement: true } : {}),
  }
}

function readForeignKey(r: Row): ForeignKey {
  return {
    name: r.conname,
    columns: r.cols,
    references: {
      ...(r.ref_schema !== r.nspname ? { schema: r.ref_schema } : {}),
      table: r.ref_table,
      columns: r.ref_cols,
    },
    onDelete: ACTIONS[r.confdeltype] ?? 'no action',
    onUpdate: ACTIONS[r.confupdtype] ?? 'no action',
    isOwned: r.comment === OWNED_COMMENT,
    ...(r.convalidated === false ? { isValidated: false } : {}),
  }
}

function readIndex(r: Row): Index {
  const options: number[] = r.options ?? []
  const cols: string[] = r.cols ?? []
  return {
    name: r.indexname,
    columns: cols.slice(0, r.indnkeyatts).map((name, i) => ({ name, order: (options[i]! & 1) === 1 ? 'desc' : 'asc' })),
    isUnique: r.indisunique,
    isOwned: r.comment === OWNED_COMMENT || isBuildName(r.indexname),
    ...(isBuildName(r.indexname) ? { isUnfinishedBuild: true } : {}),
    ...(r.is_constraint ? { isConstraint: true } : {}),
    ...(r.opaque || cols.length !== r.indnkeyatts ? { isOpaque: true } : {}),
    ...(!r.indisvalid ? { isInvalid: true } : {}),
  }
}
