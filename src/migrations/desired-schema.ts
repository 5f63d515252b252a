import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import { ShipshapeError } from '../errors.js'
import type { ModelDefinition } from '../model/definition.js'
import { definitionOf, type DataSource } from '../datasource/datasource.js'
import { schemaFromModels } from '../schema/from-model.js'
import type { Database, TableRef } from '../schema/ir.js'
import { normalizeDatabase } from '../schema/normalize.js'

/** The dialect of a datasource that can run migrations, or a clear error. */
export function dialectOf(ds: DataSource): Dialect {
  if (!ds.dialect)
    throw new ShipshapeError(
      'MIGRATION_UNSUPPORTED',
      `Datasource "${ds.name}" (connector "${ds.settings.connector}") has no SQL dialect; it has no migrations.`,
    )
  return ds.dialect
}

export function modelsOf(ds: DataSource): ModelDefinition[] {
  return ds.modelNames.map((n) => definitionOf(ds.getModel(n)!))
}

/**
 * The models' schema for a datasource, normalised. Without a configured schema the tables
 * stay unqualified, so generated SQL runs in whatever schema the connection uses.
 */
export function desiredSchema(ds: DataSource): Database {
  const dialect = dialectOf(ds)
  const models = modelsOf(ds)
  if (models.length === 0)
    throw new ShipshapeError('INVALID_CONFIG', `Datasource "${ds.name}" has no models; attach them (config "models") to generate a migration.`)
  const { database } = schemaFromModels(models, dialect, { naming: ds.settings.naming, defaultSchema: ds.settings.schema, relationForeignKeys: ds.settings.foreignKeyConstraints }, models)
  return normalizeDatabase(database, dialect)
}

/** The tables a schema names, with their former names (renames), for introspection. */
export function tableRefs(db: Database): TableRef[] {
  const refs: TableRef[] = []
  for (const t of db.tables) {
    refs.push(t.schema ? { schema: t.schema, name: t.name } : { name: t.name })
    if (t.renamedFrom) refs.push(t.schema ? { schema: t.schema, name: t.renamedFrom } : { name: t.renamedFrom })
  }
  return refs
}

/**
 * The live tables, normalised; a table in the connection's default schema loses its schema
 * when the wanted ones are unqualified, so both sides compare by the same key.
 */
export async function liveSchema(dialect: Dialect, conn: Connection, refs: TableRef[]): Promise<Database> {
  const db = normalizeDatabase(await dialect.introspect(conn, refs), dialect)
  const fallback = await dialect.defaultSchema(conn)
  const unqualified = new Set(refs.filter((r) => !r.schema).map((r) => r.name))
  return {
    tables: db.tables.map((t) => {
      if (!t.schema || t.schema !== fallback || !unqualified.has(t.name)) return t
      const { schema: _s, ...rest } = t
      return rest
    }),
  }
}
