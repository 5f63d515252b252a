import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import type { Plan } from '../schema/plan.js'

/**
 * Notes, as drift, every table the plan creates beside an existing one whose name differs only in
 * case (`Customer` beside LoopBack's `customer`): the models' naming likely doesn't match the
 * database, and creating the twin would split the data. One catalog query per schema, and only
 * when the plan creates a table.
 */
export async function noteCaseTwins(conn: Connection, dialect: Dialect, plan: Plan): Promise<void> {
  if (!dialect.listTables) return
  const existing = new Map<string, string[]>()
  for (const c of plan.changes) {
    if (c.change.kind !== 'create-table') continue
    const { schema, name } = c.change.table
    const key = schema ?? ''
    if (!existing.has(key)) existing.set(key, (await dialect.listTables(conn, schema)).map((t) => t.name))
    const twin = existing.get(key)!.find((t) => t !== name && t.toLowerCase() === name.toLowerCase())
    if (twin)
      plan.drift.push({
        kind: 'case-twin',
        table: c.change.table,
        name: twin,
        message:
          `table "${name}" would be created beside "${twin}", which differs only in case: the naming of the models ` +
          `may not match this database. For a LoopBack database set naming: 'loopback' on the datasource, or name the table in the model's settings.`,
      })
  }
}
