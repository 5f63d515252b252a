import type { Database } from './ir.js'

/**
 * The same schema with every table of schema `from` moved to `to`, and references to them
 * following: one desired schema, built once from the models, serves every tenant.
 */
export function retargetSchema(db: Database, from: string, to: string): Database {
  const move = (s: string | undefined) => (s === from ? to : s)
  return {
    ...db,
    tables: db.tables.map((t) => ({
      ...t,
      ...(t.schema !== undefined ? { schema: move(t.schema) } : {}),
      foreignKeys: t.foreignKeys.map((fk) =>
        fk.references.schema === from ? { ...fk, references: { ...fk.references, schema: to } } : fk,
      ),
    })),
    ...(db.schemas ? { schemas: db.schemas.map((s) => move(s)!) } : {}),
  }
}
