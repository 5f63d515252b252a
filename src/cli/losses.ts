import { readFileSync } from 'node:fs'
import type { DataSource } from '../datasource/datasource.js'
import type { DataSourceMigrationReport } from '../datasource/migrate-all.js'
import { revertOrder, type MigrationStatusEntry } from '../migrations/runner.js'
import type { TableRef } from '../schema/ir.js'
import type { Loss } from './confirm.js'

function quotedTable(ds: DataSource, t: TableRef): string {
  const q = (n: string) => ds.dialect!.quoteIdentifier(n)
  return t.schema ? `${q(t.schema)}.${q(t.name)}` : q(t.name)
}

/** Rows of a table (or of those holding a value in one column); undefined when they can't be counted. */
async function countRows(ds: DataSource, t: TableRef, column?: string): Promise<number | undefined> {
  if (!ds.dialect) return undefined
  const where = column ? ` WHERE ${ds.dialect.quoteIdentifier(column)} IS NOT NULL` : ''
  try {
    const [row] = await ds.execute<{ n: number | string }>(`SELECT count(*) AS n FROM ${quotedTable(ds, t)}${where}`)
    return row ? Number(row.n) : undefined
  } catch {
    return undefined
  }
}

/** What the destructive changes of these (dry-run) plans would lose, rows counted. */
export async function planLosses(reports: DataSourceMigrationReport[], datasources: DataSource[]): Promise<Loss[]> {
  const losses: Loss[] = []
  for (const r of reports) {
    const ds = datasources.find((d) => d.name === r.datasource)
    for (const c of r.result?.plan.changes ?? []) {
      if (c.risk !== 'destructive') continue
      const change = c.change
      const found = Math.max(0, ...(c.findings ?? []).map((f) => f.rows))
      const rows = !ds
        ? undefined
        : change.kind === 'drop-table'
          ? await countRows(ds, change.table)
          : change.kind === 'drop-column'
            ? await countRows(ds, change.table, change.column.name)
            : c.findings?.length
              ? found
              : undefined
      losses.push({ datasource: r.datasource, what: c.summary, ...(rows !== undefined ? { rows } : {}), reasons: c.destructive })
    }
  }
  return losses
}

/** The applied migrations `migration down` would revert, last applied first (as the runner picks them). */
export function migrationsToRevert(entries: MigrationStatusEntry[], options: { to?: string; steps?: number }): MigrationStatusEntry[] {
  return revertOrder(entries, options)
}

// `DROP TABLE [IF EXISTS] name` in a migration's down: what reverting it removes, with its rows.
const DROP_TABLE = /DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?((?:[`"[]?[\w$]+[`"\]]?\.)?[`"[]?[\w$]+[`"\]]?)/gi

function downText(file: string): string {
  const text = readFileSync(file, 'utf8')
  const at = file.endsWith('.sql') ? text.search(/^--\s*down\b/im) : text.search(/\bdown\s*\(/)
  return at < 0 ? '' : text.slice(at)
}

/** What reverting these migrations would lose: each migration, and the tables its `down` drops with their rows. */
export async function revertLosses(ds: DataSource, targets: MigrationStatusEntry[]): Promise<Loss[]> {
  const losses: Loss[] = []
  for (const e of targets) {
    const dropped: string[] = []
    try {
      if (e.file) for (const m of downText(e.file).matchAll(DROP_TABLE)) dropped.push(m[1]!)
    } catch {
      // An unreadable file is reported by the runner itself.
    }
    if (dropped.length === 0) losses.push({ datasource: ds.name, what: `revert ${e.name}` })
    for (const name of dropped) {
      const parts = name.split('.').map((p) => p.replace(/^[`"[]|[`"\]]$/g, ''))
      const table: TableRef = parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! }
      const rows = await countRows(ds, table)
      losses.push({ datasource: ds.name, what: `revert ${e.name}: drop table ${name}`, ...(rows !== undefined ? { rows } : {}) })
    }
  }
  return losses
}
