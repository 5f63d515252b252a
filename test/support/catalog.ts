/** What a test reads back from the database's own catalog (never from Shipshape's introspection). */
export interface CatalogColumn {
  name: string
  /** The engine's own type name, lower-cased. */
  type: string
  nullable: boolean
  /** The engine's own default expression, or null. */
  default: string | null
}

export interface CatalogIndex {
  name: string
  columns: string[]
  unique: boolean
}

export interface CatalogForeignKey {
  name?: string
  columns: string[]
  refTable: string
  refColumns: string[]
  onDelete: string
}

export interface Catalog {
  tables(): Promise<string[]>
  columns(table: string): Promise<CatalogColumn[]>
  /** Secondary indexes (not the primary key), including those backing unique constraints. */
  indexes(table: string): Promise<CatalogIndex[]>
  primaryKey(table: string): Promise<string[]>
  foreignKeys(table: string): Promise<CatalogForeignKey[]>
}
