import type { Catalog } from '../../support/catalog.js'

type Run = (sql: string, params?: unknown[]) => Promise<Record<string, any>[]>

/**
 * COLUMN_TYPE as MySQL 8 spells it: integer display widths dropped (MariaDB keeps `int(11)`),
 * except TINYINT(1), which is how both spell BOOLEAN.
 */
function columnType(columnType: string): string {
  const t = columnType.toLowerCase()
  if (/^tinyint\(1\)$/.test(t)) return t
  return t.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, '$1')
}

/**
 * Reads information_schema for one database. Two readings beyond the raw rows, both facts of
 * the catalog: MariaDB's JSON (a LONGTEXT with a `json_valid` check named after the column) is
 * reported as `json`, and the index InnoDB keeps for each foreign key under the key's own name
 * is part of the key, not a secondary index.
 */
export function mysqlCatalog(run: Run, database: string): Catalog {
  return {
    async tables() {
      const rows = await run(
        `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
        [database],
      )
      return rows.map((r) => r.name).sort()
    },
    async columns(table) {
      const rows = await run(
        `SELECT c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type, c.IS_NULLABLE AS nullable, c.COLUMN_DEFAULT AS dflt,
                c.EXTRA AS extra, VERSION() AS version,
                EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS tc
                        JOIN information_schema.CHECK_CONSTRAINTS cc
                          ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
                        WHERE tc.TABLE_SCHEMA = c.TABLE_SCHEMA AND tc.TABLE_NAME = c.TABLE_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
                          AND cc.CHECK_CLAUSE = CONCAT('json_valid(\`', REPLACE(c.COLUMN_NAME, '\`', '\`\`'), '\`)')) AS is_json
         FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION`,
        [database, table],
      )
      return rows.map((r) => {
        const isMariadb = /mariadb/i.test(r.version)
        let dflt: string | null = r.dflt
        // MariaDB spells "no default" on a nullable column as the text NULL (a string 'NULL' is quoted).
        if (isMariadb && dflt === 'NULL') dflt = null
        if (String(r.extra).toLowerCase().includes('auto_increment')) dflt = 'auto_increment'
        const type = columnType(r.type)
        return {
          name: r.name,
          type: type === 'longtext' && Number(r.is_json) === 1 ? 'json' : type,
          nullable: r.nullable === 'YES',
          default: dflt,
        }
      })
    },
    async indexes(table) {
      const rows = await run(
        `SELECT s.INDEX_NAME AS name, s.NON_UNIQUE AS non_unique, s.COLUMN_NAME AS col
         FROM information_schema.STATISTICS s
         WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.INDEX_NAME <> 'PRIMARY'
           AND s.INDEX_NAME NOT IN (SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS
                                    WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_TYPE = 'FOREIGN KEY')
         ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX`,
        [database, table, database, table],
      )
      const byName = new Map<string, { name: string; columns: string[]; unique: boolean }>()
      for (const r of rows) {
        const ix = byName.get(r.name) ?? { name: r.name, columns: [] as string[], unique: Number(r.non_unique) === 0 }
        ix.columns.push(r.col)
        byName.set(r.name, ix)
      }
      return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
    async primaryKey(table) {
      const rows = await run(
        `SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`,
        [database, table],
      )
      return rows.map((r) => r.name)
    },
    async foreignKeys(table) {
      const rows = await run(
        `SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_NAME AS ref_table,
                k.REFERENCED_COLUMN_NAME AS ref_col, r.DELETE_RULE AS on_delete
         FROM information_schema.KEY_COLUMN_USAGE k
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
         WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
         ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
        [database, table],
      )
      const byName = new Map<string, { name: string; columns: string[]; refTable: string; refColumns: string[]; onDelete: string }>()
      for (const r of rows) {
        const fk = byName.get(r.name) ?? { name: r.name, columns: [] as string[], refTable: r.ref_table, refColumns: [] as string[], onDelete: String(r.on_delete).toLowerCase() }
        fk.columns.push(r.col)
        fk.refColumns.push(r.ref_col)
        byName.set(r.name, fk)
      }
      return [...byName.values()]
    },
  }
}
