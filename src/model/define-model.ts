import type { ModelDefinition, ModelSettings, PropertyDefinition, RelationDefinition } from './definition.js'
import { Entity, type ModelClass } from './entity.js'

/**
 * Makes a model class from LoopBack's JSON model-definition shape, so existing
 * `*.model.json` files load unchanged.
 * @example
 *   const Todo = defineModel({name: 'Todo', properties: {id: {type: 'number', id: true}}, settings: {}})
 */
export function defineModel<T extends object = Record<string, any>>(json: {
  name: string
  properties: Record<string, PropertyDefinition | string>
  settings?: ModelSettings
  relations?: Record<string, RelationDefinition>
  [key: string]: unknown
}): ModelClass<T & Entity> {
  const properties: Record<string, PropertyDefinition> = {}
  // LoopBack accepts `title: 'string'` as shorthand for `{type: 'string'}`.
  for (const [k, v] of Object.entries(json.properties)) properties[k] = typeof v === 'string' ? { type: v } : { ...v }
  const { name, properties: _p, settings, relations, ...rest } = json
  // Top-level keys other than name/properties/relations (LoopBack 3 style) are settings too.
  const definition: ModelDefinition = { name, properties, settings: { ...rest, ...(settings ?? {}) } as ModelSettings }
  if (relations && Object.keys(relations).length) definition.relations = { ...relations }
  const cls = { [name]: class extends Entity {} }[name]!
  Object.defineProperty(cls, 'definition', { value: definition, enumerable: true, configurable: true })
  return cls as unknown as ModelClass<T & Entity>
}
