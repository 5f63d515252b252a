import type { ModelDefinition } from './definition.js'

/** A class that carries a model definition (decorated, or made by `defineModel`). */
export interface ModelClass<T extends object = any> {
  new (data?: Partial<T>): T
  readonly name: string
  readonly definition: ModelDefinition
}

/** Base class of models. Holds the data of one row; `toJSON()` gives the plain object. */
export class Entity {
  constructor(data?: object) {
    if (data) Object.assign(this, data)
  }

  /** Set by `@model` / `defineModel`. */
  static definition: ModelDefinition

  /** The id value (an object for composite keys). */
  getId(): unknown {
    const def = (this.constructor as typeof Entity).definition
    const ids = idPropertyNames(def)
    const self = this as Record<string, unknown>
    // A model declaring no id has the juggler's generated `id` (see model/implicit-id.ts).
    if (ids.length === 0) return self.id
    if (ids.length === 1) return self[ids[0]!]
    return Object.fromEntries(ids.map((k) => [k, self[k]]))
  }

  /**
   * The plain object for JSON: the model's properties and included relations, without hidden
   * properties (`hidden: true`, `settings.hiddenProperties`). A `strict: false` model keeps its
   * other properties too, as LoopBack does.
   */
  toJSON(): Record<string, unknown> {
    const def = (this.constructor as typeof Entity).definition
    const self = this as Record<string, unknown>
    const out: Record<string, unknown> = {}
    if (!def) {
      for (const [k, v] of Object.entries(this)) if (v !== undefined) out[k] = asJson(v)
      return out
    }
    const { hidden, visible } = jsonShape(def)
    if (def.settings?.strict === false) {
      for (const [k, v] of Object.entries(this)) if (v !== undefined && !hidden.has(k)) out[k] = asJson(v)
      return out
    }
    for (const k of visible) {
      const v = self[k]
      if (v !== undefined) out[k] = asJson(v)
    }
    return out
  }

  /** The plain object of every property set, hidden ones included (LoopBack's `toObject`). */
  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(this)) if (v !== undefined) out[k] = v
    return out
  }
}

/** Nested entities (included relations) as their JSON too. */
function asJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(asJson)
  if (v instanceof Entity) return v.toJSON()
  return v
}

const shapes = new WeakMap<ModelDefinition, { hidden: Set<string>; visible: string[] }>()

/** Which keys `toJSON` shows, computed once per definition. */
function jsonShape(def: ModelDefinition): { hidden: Set<string>; visible: string[] } {
  let shape = shapes.get(def)
  if (shape) return shape
  const settings = def.settings ?? {}
  const hidden = new Set<string>([
    ...(Array.isArray(settings.hiddenProperties) ? settings.hiddenProperties : []),
    // LoopBack 3 JSON: `"hidden": ["password"]`.
    ...(Array.isArray(settings.hidden) ? (settings.hidden as string[]) : []),
    ...Object.entries(def.properties).filter(([, p]) => p.hidden).map(([k]) => k),
  ])
  const relations = Object.entries({ ...(settings.relations ?? {}), ...(def.relations ?? {}) }).map(([k, r]) => r.name ?? k)
  const visible = [...Object.keys(def.properties).filter((k) => !hidden.has(k)), ...relations.filter((k) => !(k in def.properties))]
  shapes.set(def, (shape = { hidden, visible }))
  return shape
}

/** Names of the id properties, in `id` order (LoopBack allows `id: 1`, `id: 2`). */
export function idPropertyNames(def: ModelDefinition): string[] {
  return Object.entries(def.properties)
    .filter(([, p]) => p.id)
    .sort(([, a], [, b]) => (typeof a.id === 'number' ? a.id : 1) - (typeof b.id === 'number' ? b.id : 1))
    .map(([k]) => k)
}

export function isModelClass(value: unknown): value is ModelClass {
  return typeof value === 'function' && !!(value as { definition?: unknown }).definition
}
