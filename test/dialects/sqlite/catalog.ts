import type { Catalog } from '../../support/catalog.js'

type Run = (sql: string, params?: unknown[]) => Promise<Record<string, any>[]>

/** Reads SQLite's catalog through its pragmas. */
export function sqliteCatalog(run: Run): Catalog {
  return {
    async tables() {
      const rows = await run(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1`)
      return rows.map((r) => r.name)
    },
    async columns(table) {
      const rows = await run(`SELECT * FROM pragma_table_info(?) ORDER BY cid`, [table])
      return rows.map((r) => ({
        name: r.name,
        type: String(r.type).toLowerCase(),
        nullable: !r.notnull && !r.pk,
        default: r.dflt_value,
      }))
    },
    async indexes(table) {
      const list = await run(`SELECT name, "unique" AS u, origin FROM pragma_index_list(?) WHERE origin <> 'pk' ORDER BY name`, [table])
      const out = []
      for (const ix of list) {
        const cols = await run(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, [ix.name])
        out.push({ name: ix.name, unique: ix.u === 1, columns: cols.map((c) => c.name) })
      }
      return out
    },
    async primaryKey(table) {
      const rows = await run(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, [table])
      return rows.map((r) => r.name)
    },
    async foreignKeys(table) {
      const rows = await run(`SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq`, [table])
      const byId = new Map<number, any[]>()
      for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r])
      return [...byId.values()].map((g) => ({
        columns: g.map((r) => r.from),
        refTable: g[0].table,
        refColumns: g.map((r) => r.to),
        onDelete: String(g[0].on_delete).toLowerCase(),
      }))
    },
  }
}
