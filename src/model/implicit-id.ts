import type { ModelDefinition } from './definition.js'
import { idPropertyNames } from './entity.js'

const withIds = new WeakMap<ModelDefinition, ModelDefinition>()

/**
 * The definition as LoopBack's juggler uses it: a model that declares no id gets one, a
 * generated number named `id` (the juggler's `idInjection`), and its table has that column.
 * Definitions with an id are returned as they are.
 */
export function withImplicitId(def: ModelDefinition): ModelDefinition {
  if (idPropertyNames(def).length > 0) return def
  let out = withIds.get(def)
  if (!out) {
    const own = def.properties.id
    const id = own ? { ...own, id: true } : { type: 'number', id: true, generated: true }
    out = { ...def, properties: { id, ...Object.fromEntries(Object.entries(def.properties).filter(([k]) => k !== 'id')) } }
    withIds.set(def, out)
  }
  return out
}
