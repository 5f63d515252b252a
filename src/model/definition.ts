/** Property types of LoopBack's model definition language. */
export const PROPERTY_TYPES = ['string', 'number', 'boolean', 'date', 'object', 'array', 'buffer', 'any'] as const
export type PropertyType = (typeof PROPERTY_TYPES)[number]

/** Per-dialect overrides of a property (`postgresql: {...}`, `sqlite: {...}`, `mysql: {...}`). */
export interface DialectPropertySettings {
  columnName?: string
  dataType?: string
  dataLength?: number
  dataPrecision?: number
  dataScale?: number
  nullable?: 'Y' | 'N' | 'YES' | 'NO' | boolean
}

export interface PropertyDefinition {
  type: PropertyType | string | Function
  id?: boolean | number
  generated?: boolean
  required?: boolean
  default?: unknown
  /** LoopBack's `defaultFn`: 'now' and 'uuid'/'guid' become database defaults. */
  defaultFn?: 'now' | 'uuid' | 'guid' | 'uuidv4' | string
  length?: number
  precision?: number
  scale?: number
  index?: boolean | { unique?: boolean; name?: string }
  unique?: boolean
  dataType?: string
  columnName?: string
  /** Rename in place: the property's column used to be named after this property. */
  renamedFrom?: string
  /** LoopBack's `jsonSchema` etc. are kept but ignored by the schema engine. */
  [key: string]: unknown
  postgresql?: DialectPropertySettings
  sqlite?: DialectPropertySettings
  mysql?: DialectPropertySettings
}

export interface IndexDefinition {
  name?: string
  /** `{column: 1 | -1}`; keys may name properties or columns. */
  keys?: Record<string, 1 | -1 | 'asc' | 'desc'>
  /** LoopBack's alternative form: 'a,b'. */
  columns?: string
  options?: { unique?: boolean }
  unique?: boolean
  kind?: string
}

export type ReferentialAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION'

export interface ForeignKeyDefinition {
  name?: string
  /** The referenced model's name. */
  entity: string
  /** The referenced property (or properties, comma separated); defaults to the referenced model's id. */
  entityKey?: string
  /** The property (or properties, comma separated) of this model holding the reference. */
  foreignKey: string
  onDelete?: ReferentialAction | Lowercase<ReferentialAction> | string
  onUpdate?: ReferentialAction | Lowercase<ReferentialAction> | string
}

export interface DialectModelSettings {
  schema?: string
  table?: string
}

export interface ModelSettings {
  table?: string
  strict?: boolean
  indexes?: Record<string, IndexDefinition>
  foreignKeys?: Record<string, ForeignKeyDefinition>
  /** The model's table used to be named after this model (rename in place). */
  renamedFrom?: string
  postgresql?: DialectModelSettings
  sqlite?: DialectModelSettings
  mysql?: DialectModelSettings
  [key: string]: unknown
}

/** The one definition underneath decorators and JSON: LoopBack's model-definition shape. */
export interface ModelDefinition {
  name: string
  properties: Record<string, PropertyDefinition>
  settings: ModelSettings
}
