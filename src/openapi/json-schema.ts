import type { ModelDefinition, PropertyDefinition } from '../model/definition.js'
import { definitionOf } from '../datasource/datasource.js'
import { idPropertyNames, isModelClass, type ModelClass } from '../model/entity.js'
import { resolveRelation, relationsOf, type ModelLookup } from '../model/relations.js'

/** A JSON Schema object as OpenAPI 3.0 embeds it (plain JSON). */
export type SchemaObject = { [key: string]: unknown }

/** LoopBack 4's `getModelSchemaRef` options: the variants its generated CRUD controller asks for. */
export interface ModelSchemaOptions {
  /** Schema title (and component name); LoopBack's default is the model name plus a suffix. */
  title?: string
  /** Properties left out (`NewTodo` excludes the generated id). */
  exclude?: string[]
  /** Every property optional (`TodoPartial`, for PATCH). */
  partial?: boolean
  /** Relations as properties holding related instances (`TodoWithRelations`, for responses). */
  includeRelations?: boolean
}

export const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` })

const FUNCTION_TYPES = new Map<Function, string>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
  [Date, 'date'],
  [Array, 'array'],
  [Object, 'object'],
  [Buffer, 'buffer'],
])

/** A property's `type` (a name, a constructor or a model class) as a JSON Schema, as LoopBack 4 maps it. */
export function typeSchema(type: unknown, itemType: unknown, lookup: ModelLookup): SchemaObject {
  if (typeof type === 'function') {
    const name = FUNCTION_TYPES.get(type)
    if (name) return typeSchema(name, itemType, lookup)
    if (isModelClass(type)) return ref(type.definition.name)
    return {}
  }
  if (Array.isArray(type)) return { type: 'array', items: typeSchema(type[0], undefined, lookup) }
  switch (String(type).toLowerCase()) {
    case 'string':
      return { type: 'string' }
    case 'number':
      return { type: 'number' }
    case 'boolean':
      return { type: 'boolean' }
    case 'date':
      return { type: 'string', format: 'date-time' }
    case 'buffer':
      return { type: 'string', format: 'binary' }
    case 'object':
      return { type: 'object' }
    case 'array':
      return { type: 'array', items: itemType === undefined ? {} : typeSchema(itemType, undefined, lookup) }
    case 'any':
      return {}
    default:
      // A model named by a string (JSON definitions): referenced when it is known.
      return lookup(String(type)) ? ref(String(type)) : {}
  }
}

function propertySchema(p: PropertyDefinition, lookup: ModelLookup): SchemaObject {
  const s = typeSchema(p.type, p.itemType, lookup)
  if (typeof p.description === 'string') s.description = p.description
  if (p.default !== undefined && !('$ref' in s)) s.default = p.default
  // LoopBack 4 merges `jsonSchema` (minLength, pattern, enum, …) into the property's schema.
  if (p.jsonSchema && typeof p.jsonSchema === 'object') Object.assign(s, p.jsonSchema)
  return s
}

/** The component name LoopBack 4 gives a variant: `NewTodo`, `TodoPartial`, `TodoWithRelations`. */
export function schemaTitle(def: ModelDefinition, options: ModelSchemaOptions = {}): string {
  if (options.title) return options.title
  return def.name + (options.partial ? 'Partial' : '') + (options.includeRelations ? 'WithRelations' : '')
}

function tsType(def: ModelDefinition, options: ModelSchemaOptions, title: string): string | undefined {
  if (options.includeRelations) return `${def.name}WithRelations`
  if (options.partial) return `Partial<${def.name}>`
  if (options.exclude?.length) return `Omit<${def.name}, ${options.exclude.map((e) => `'${e}'`).join(' | ')}>`
  return title === def.name ? undefined : def.name
}

/**
 * The JSON Schema of a model, as LoopBack 4's `getModelSchemaRef(Model, options)` writes it:
 * properties (hidden ones left out), `required`, `additionalProperties: false` unless the
 * model is `strict: false`, and relations when `includeRelations`.
 * @example
 *   modelJsonSchema(Todo, {title: 'NewTodo', exclude: ['id']})
 *   // {title: 'NewTodo', type: 'object', properties: {title: {type: 'string'}, …}, required: ['title'], …}
 */
export function modelJsonSchema(
  model: ModelClass | ModelDefinition,
  options: ModelSchemaOptions = {},
  lookup: ModelLookup = () => undefined,
): SchemaObject {
  const def = definitionOf(model)
  const title = schemaTitle(def, options)
  const hidden = new Set([...(def.settings.hiddenProperties ?? []), ...Object.keys(def.properties).filter((k) => def.properties[k]!.hidden)])
  const excluded = new Set(options.exclude ?? [])
  const properties: Record<string, SchemaObject> = {}
  const required: string[] = []
  for (const [name, p] of Object.entries(def.properties)) {
    if (hidden.has(name) || excluded.has(name)) continue
    properties[name] = propertySchema(p, lookup)
    if (p.required && !options.partial) required.push(name)
  }
  if (options.includeRelations) {
    for (const name of Object.keys(relationsOf(def))) {
      const r = resolveRelation(def, name, lookup)
      const target = ref(`${r.target.name}WithRelations`)
      properties[r.name] = r.isMany ? { type: 'array', items: target } : target
    }
  }
  const schema: SchemaObject = { title, type: 'object' }
  const ts = tsType(def, options, title)
  if (title !== def.name) {
    const opts = [
      options.title ? `title: '${options.title}'` : '',
      options.exclude?.length ? `exclude: [ ${options.exclude.map((e) => `'${e}'`).join(', ')} ]` : '',
      options.partial ? 'partial: true' : '',
      options.includeRelations ? 'includeRelations: true' : '',
    ].filter(Boolean)
    schema.description = `(tsType: ${ts}, schemaOptions: { ${opts.join(', ')} })`
  }
  schema.properties = properties
  if (required.length) schema.required = required
  schema.additionalProperties = def.settings.strict === false
  if (ts) schema['x-typescript-type'] = ts
  return schema
}

/** The model's id property and its schema, for `/{id}` path parameters. */
export function idParameterSchema(def: ModelDefinition, lookup: ModelLookup): { name: string; schema: SchemaObject } {
  const name = idPropertyNames(def)[0] ?? 'id'
  const p = def.properties[name]
  return { name, schema: p ? typeSchema(p.type, p.itemType, lookup) : { type: 'string' } }
}
