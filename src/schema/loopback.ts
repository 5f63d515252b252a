import type { PropertyDefinition } from '../model/definition.js'
import type { ColumnType } from './ir.js'

/** The JS type of a property, as LoopBack's connectors switch on it. */
export type LoopbackJsType = 'string' | 'number' | 'boolean' | 'date' | 'object' | 'array' | 'any' | 'buffer'

/**
 * What one LoopBack connector does when it creates a table (`automigrate`), so that
 * `naming: 'loopback'` describes a database LoopBack made exactly as it is: the same column
 * types, index names and id columns. Each dialect keeps its connector's in `dialects/<d>/loopback.ts`.
 */
export interface LoopbackConventions {
  /** The column type the connector gives a property without `dataType` (ids included). */
  columnType(jsType: LoopbackJsType, def: PropertyDefinition, facts: { isId: boolean; isIndexed: boolean }): ColumnType
  /**
   * A generated integer id is the engine's auto-increment (SERIAL, AUTO_INCREMENT); false where the
   * connector declares a plain rowid alias (SQLite's `INTEGER PRIMARY KEY`, generated all the same).
   */
  readonly generatedIdIsAutoIncrement: boolean
  /** Other types the connector gives such a property depending on how its column came about (see `Column.alsoAccepts`). */
  alsoAccepts?(jsType: LoopbackJsType, def: PropertyDefinition, facts: { isId: boolean; isIndexed: boolean }): ColumnType[]
  /** Name of the index the connector makes for a property's `index` setting. */
  propertyIndexName(table: string, column: string): string
  /** Name of the index the connector makes for a `settings.indexes` entry. */
  modelIndexName(key: string): string
  /** JSON in text columns is stored encoded twice (a JSON string of the JSON text), as loopback-connector-sqlite3 does. */
  readonly encodesJsonTwice?: boolean
  /** The connector creates the `settings.foreignKeys` a model declares whichever way it migrates (SQLite's never does, MySQL's automigrate doesn't). */
  readonly createsForeignKeys: boolean
}

/**
 * The juggler's own id rule (loopback-datasource-juggler `DataSource.setupDataAccess`): a generated
 * string id with no `defaultFn` and no `dataType` is made a number, so the connector creates an
 * integer serial for it and the application reads numbers back.
 */
export function isJugglerNumericId(def: PropertyDefinition, jsType: string, dialectKey: string): boolean {
  const override = (def as Record<string, unknown>)[dialectKey] as { dataType?: string } | undefined
  return !!def.id && !!def.generated && jsType === 'string' && def.defaultFn === undefined && !def.dataType && !override?.dataType
}
