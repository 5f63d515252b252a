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
    if (ids.length === 1) return self[ids[0]!]
    return Object.fromEntries(ids.map((k) => [k, self[k]]))
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(this)) if (v !== undefined) out[k] = v
    return out
  }
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
