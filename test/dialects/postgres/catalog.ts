import type { Catalog } from '../../support/catalog.js'

type Run = (sql: string, params?: unknown[]) => Promise<Record<string, any>[]>

/** Reads PostgreSQL's catalog for one schema (server and PGlite alike). */
export function postgresCatalog(run: Run, schema: string): Catalog {
  return {
    async tables() {
      const rows = await run(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema])
      return rows.map((r) => r.table_name)
    },
    async columns(table) {
      const rows = await run(
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default, is_identity
         FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        [schema, table],
      )
      return rows.map((r) => ({
        name: r.column_name,
        type: (r.data_type + (r.character_maximum_length ? `(${r.character_maximum_length})` : '')).toLowerCase(),
        nullable: r.is_nullable === 'YES',
        default: r.column_default ?? (r.is_identity === 'YES' ? 'identity' : null),
      }))
    },
    async indexes(table) {
      const rows = await run(
        `SELECT i.relname AS name, ix.indisunique AS unique,
           ARRAY(SELECT a.attname FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = $1 AND t.relname = $2 AND NOT ix.indisprimary ORDER BY 1`,
        [schema, table],
      )
      return rows.map((r) => ({ name: r.name, columns: r.columns, unique: r.unique }))
    },
    async primaryKey(table) {
      const rows = await run(
        `SELECT kcu.column_name FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
         WHERE tc.table_schema = $1 AND tc.table_name = $2 AND tc.constraint_type = 'PRIMARY KEY' ORDER BY kcu.ordinal_position`,
        [schema, table],
      )
      return rows.map((r) => r.column_name)
    },
    async foreignKeys(table) {
      const rows = await run(
        `SELECT c.conname AS name, rt.relname AS ref_table, c.confdeltype,
           ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns,
           ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS ref_columns
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_class rt ON rt.oid = c.confrelid
         WHERE c.contype = 'f' AND n.nspname = $1 AND t.relname = $2 ORDER BY 1`,
        [schema, table],
      )
      const actions: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' }
      return rows.map((r) => ({
        name: r.name,
        columns: r.columns,
        refTable: r.ref_table,
        refColumns: r.ref_columns,
        onDelete: actions[r.confdeltype]!,
      }))
    },
  }
}
