import type { Connection } from '../connection.js'

// One catalog query for any number of schemas: per schema, the md5 of every catalog fact
// introspection reads about the wanted tables (columns, primary and foreign keys, indexes,
// the comments marking Shipshape's own objects), with the schema's own name left out so
// identical tenants hash alike. Equal fingerprints mean equal introspected schemas.
const FINGERPRINT_SQL = `
  WITH s AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY($1::text[])),
  rels AS (
    SELECT c.oid, s.nspname, c.relname FROM pg_class c JOIN s ON s.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND c.relname = ANY($2::text[])),
  facts AS (
    SELECT r.nspname, concat_ws(':', 'c', r.relname, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull,
             CASE WHEN d.adbin IS NOT NULL THEN replace(replace(pg_get_expr(d.adbin, d.adrelid), quote_ident(r.nspname) || '.', ''), r.nspname || '.', '') END,
             a.attidentity, a.attgenerated) AS f
    FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT r.nspname, concat_ws(':', 'k', r.relname, con.conname, con.contype, con.confupdtype, con.confdeltype,
             CASE WHEN fn.nspname = r.nspname THEN '' ELSE fn.nspname END, fc.relname, con.conkey::text, con.confkey::text,
             obj_description(con.oid, 'pg_constraint'), con.convalidated)
    FROM rels r JOIN pg_constraint con ON con.conrelid = r.oid
    LEFT JOIN pg_class fc ON fc.oid = con.confrelid
    LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
    WHERE con.contype IN ('p', 'f')
    UNION ALL
    SELECT r.nspname, concat_ws(':', 'i', r.relname, ic.relname, ix.indisunique, ix.indisvalid, ix.indisprimary, am.amname,
             ix.indkey::text, ix.indoption::text, ix.indnkeyatts, ix.indexprs IS NOT NULL, ix.indpred IS NOT NULL,
             uc.oid IS NOT NULL, obj_description(ix.indexrelid, 'pg_class'), obj_description(uc.oid, 'pg_constraint'))
    FROM rels r JOIN pg_index ix ON ix.indrelid = r.oid
    JOIN pg_class ic ON ic.oid = ix.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    -- A join, not a subquery per index: pg_constraint has no index on conindid.
    LEFT JOIN pg_constraint uc ON uc.conindid = ix.indexrelid AND uc.contype = 'u' AND uc.conrelid = r.oid)
  SELECT s.nspname, md5(COALESCE(string_agg(f.f, E'\\n' ORDER BY f.f), '')) AS fp
  FROM s LEFT JOIN facts f ON f.nspname = s.nspname
  GROUP BY s.nspname`

/**
 * Fingerprints of the given tables in each of many schemas, in one query. A schema that
 * doesn't exist is absent from the map. Tenants with equal fingerprints introspect alike, so
 * one tenant's full check stands for all of them.
 */
export async function fingerprintPostgresSchemas(conn: Connection, schemas: string[], tables: string[]): Promise<Map<string, string>> {
  const r = await conn.query<{ nspname: string; fp: string }>(FINGERPRINT_SQL, [schemas, tables])
  return new Map(r.rows.map((row) => [row.nspname, row.fp]))
}
