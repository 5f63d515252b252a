/** Property types of LoopBack's model definition language. */
export const PROPERTY_TYPES = ['string', 'number', 'boolean', 'date', 'object', 'array', 'buffer', 'any'] as const
export type PropertyType = (typeof PROPERTY_TYPES)[number]

/**
 * Per-dialect overrides of a property (`postgresql: {...}`, `sqlite: {...}`, `mysql: {...}`), under
 * the dialect's `settingsKey`; a registered dialect reads its own key the same way.
 */
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
  /** Left out of `toJSON()` (a password, a secret); still stored and read. */
  hidden?: boolean
  /** Item type of an `array` property (`@property.array(String)`); stored as JSON like the array. */
  itemType?: PropertyType | string | Function
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
  /**
   * `false`: properties the model doesn't define are accepted; the memory connector keeps
   * them, SQL back ends (which have no column for them) don't store them, as LoopBack's don't.
   */
  strict?: boolean
  /** Properties left out of `toJSON()` (LoopBack's `hiddenProperties`; `hidden` in LoopBack 3 JSON). */
  hiddenProperties?: string[]
  /** LoopBack 3 style relations in JSON settings; read like `ModelDefinition.relations`. */
  relations?: Record<string, RelationDefinition>
  indexes?: Record<string, IndexDefinition>
  foreignKeys?: Record<string, ForeignKeyDefinition>
  /** The model's table used to be named after this model (rename in place). */
  renamedFrom?: string
  postgresql?: DialectModelSettings
  sqlite?: DialectModelSettings
  mysql?: DialectModelSettings
  [key: string]: unknown
}

/** The overrides a property declares under a dialect's settings key (any registered dialect's, not only the built-in three). */
export function dialectPropertySettings(def: PropertyDefinition, settingsKey: string): DialectPropertySettings | undefined {
  const value = def[settingsKey]
  return value && typeof value === 'object' ? (value as DialectPropertySettings) : undefined
}

/** The settings a model declares under a dialect's settings key. */
export function dialectModelSettings(settings: ModelSettings, settingsKey: string): DialectModelSettings | undefined {
  const value = settings[settingsKey]
  return value && typeof value === 'object' ? (value as DialectModelSettings) : undefined
}

export type RelationType = 'belongsTo' | 'hasMany' | 'hasOne' | 'referencesMany'

/**
 * A relation to another model, as LoopBack 4 decorators record it (`target`, `keyFrom`, `keyTo`)
 * or as LoopBack 3 JSON writes it (`model`, `foreignKey`, `primaryKey`). Keys left out take
 * LoopBack's defaults (see docs/application.md).
 */
export interface RelationDefinition {
  type: RelationType | Lowercase<RelationType>
  /** The relation's name (the key it is declared under, when omitted). */
  name?: string
  /** The related model: a class, a function returning it (decorators: `() => TodoList`), or its name. */
  target?: Function | string
  /** LoopBack 3 JSON: the related model's name. */
  model?: string
  /** The source model's property holding the key (belongsTo: the foreign key; hasMany/hasOne: the source id). */
  keyFrom?: string
  /** The target model's property it matches (belongsTo: the target id; hasMany/hasOne: the foreign key). */
  keyTo?: string
  /** LoopBack 3 JSON: the foreign key (on the source for belongsTo/referencesMany, on the target otherwise). */
  foreignKey?: string
  /** LoopBack 3 JSON: the key the foreign key refers to. */
  primaryKey?: string
  /**
   * belongsTo: also create the foreign-key constraint (LoopBack never did, so it is off by default;
   * the datasource setting `foreignKeyConstraints: true` turns it on for every belongsTo).
   */
  foreignKeyConstraint?: boolean | { name?: string; onDelete?: string; onUpdate?: string }
  [key: string]: unknown
}

/** The one definition underneath decorators and JSON: LoopBack's model-definition shape. */
export interface ModelDefinition {
  name: string
  properties: Record<string, PropertyDefinition>
  settings: ModelSettings
  /** Relations by name (decorators put them here; JSON `relations` too). */
  relations?: Record<string, RelationDefinition>
}
