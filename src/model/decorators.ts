import type { ModelSettings, PropertyDefinition } from './definition.js'
import { Entity } from './entity.js'

// TC39 decorator metadata needs Symbol.metadata, which Node 20 lacks. Compilers only pass
// `context.metadata` when it exists at class-definition time, and this module is imported
// before any decorated class is evaluated.
;(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata')

const PROPERTIES = Symbol('shipshape.properties')

type Metadata = { [PROPERTIES]?: Record<string, PropertyDefinition> }

/**
 * Declares a model property.
 * @example
 *   @property({type: 'string', required: true, length: 200}) title!: string
 */
export function property(definition: PropertyDefinition) {
  return function <This, V>(_value: undefined, context: ClassFieldDecoratorContext<This, V>) {
    const md = context.metadata as Metadata | undefined
    if (!md) throw new Error('Shipshape: decorator metadata is unavailable; import "shipshape" before declaring models')
    if (typeof context.name !== 'string') throw new Error('Shipshape: @property needs a string field name')
    // Own copy so subclasses extend, not mutate, their parent's properties.
    if (!Object.prototype.hasOwnProperty.call(md, PROPERTIES)) md[PROPERTIES] = { ...(md[PROPERTIES] ?? {}) }
    md[PROPERTIES]![context.name] = { ...definition }
    // A class field is defined after Entity's constructor has assigned the data, so its
    // initializer would reset `new Todo({title})` to undefined; keep the value already set.
    const name = context.name
    return function (this: This, initial: V): V {
      return Object.prototype.hasOwnProperty.call(this, name) ? ((this as Record<string, unknown>)[name] as V) : initial
    }
  }
}

/**
 * Declares a model class (extending `Entity`).
 * @example
 *   @model({settings: {indexes: {byTitle: {keys: {title: 1}}}}})
 *   class Todo extends Entity { @property({type: 'number', id: true, generated: true}) id?: number }
 */
export function model(definition: { name?: string; settings?: ModelSettings } = {}) {
  return function <C extends abstract new (...args: any) => Entity>(target: C, context: ClassDecoratorContext<C>) {
    const md = context.metadata as Metadata | undefined
    const properties = md?.[PROPERTIES] ?? {}
    Object.defineProperty(target, 'definition', {
      value: {
        name: definition.name ?? String(context.name ?? target.name),
        properties: { ...properties },
        settings: { ...(definition.settings ?? {}) },
      },
      enumerable: true,
      writable: false,
      configurable: true,
    })
  }
}
