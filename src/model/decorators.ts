import type { PropertyDefinition } from './definition.js'
import { installDefinition, ownMembers, readMembers, type ModelDecoratorDefinition, type ModelMembers } from './members.js'

// TC39 decorator metadata needs Symbol.metadata, which Node 20 lacks. Compilers only pass
// `context.metadata` when it exists at class-definition time, and this module is imported
// before any decorated class is evaluated.
;(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata')

/**
 * A field decorator that works under both decorator proposals: TC39 (the default in TypeScript 5)
 * and TypeScript's `experimentalDecorators`, which every LoopBack 4 project uses. Which one is
 * running is told by the arguments: TC39 passes a context object, legacy the prototype and a key.
 */
export interface FieldDecorator {
  <This, V>(value: undefined, context: ClassFieldDecoratorContext<This, V>): (this: This, initial: V) => V
  (target: object, propertyKey: string | symbol, descriptor?: unknown): void
}

/** A class decorator for both decorator proposals (see `FieldDecorator`). */
export interface ClassDecorator {
  <C extends abstract new (...args: any) => object>(target: C, context: ClassDecoratorContext<C>): void
  <C extends Function>(target: C): C | void
}

export function isDecoratorContext(value: unknown): value is DecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
}

/** `design:type` of a legacy-decorated field, when the app compiled with emitDecoratorMetadata and loaded reflect-metadata. */
function designType(target: object, key: string): unknown {
  const reflect = Reflect as unknown as { getMetadata?: (k: string, t: object, p: string) => unknown }
  return typeof reflect.getMetadata === 'function' ? reflect.getMetadata('design:type', target, key) : undefined
}

const DESIGN_TYPES = new Map<unknown, string>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
  [Date, 'date'],
  [Array, 'array'],
  [Object, 'object'],
  [Buffer, 'buffer'],
])

/** A TypeScript type as emitted in `design:type`, as a LoopBack type name (a model class stays a class). */
export function typeFromDesign(t: unknown): PropertyDefinition['type'] | undefined {
  if (t === undefined || t === null) return undefined
  return DESIGN_TYPES.get(t) ?? (t as Function)
}

/** Builds a field decorator from what it records: `record(members, fieldName, designType)`. */
export function fieldDecorator(
  decorator: string,
  record: (members: ModelMembers, name: string, design: PropertyDefinition['type'] | undefined) => void,
): FieldDecorator {
  return function (target: unknown, context: unknown): any {
    if (isDecoratorContext(context)) {
      const md = context.metadata as object | undefined
      if (!md) throw new Error(`Shipshape: decorator metadata is unavailable; import "shipshape" before declaring models`)
      if (context.kind !== 'field' || typeof context.name !== 'string')
        throw new Error(`Shipshape: @${decorator} decorates a named class field, not ${context.kind} ${String(context.name)}`)
      record(ownMembers(md), context.name, undefined)
      // A class field is defined after Entity's constructor has assigned the data, so its
      // initializer would reset `new Todo({title})` to undefined; keep the value already set.
      const name = context.name
      return function (this: unknown, initial: unknown) {
        return Object.prototype.hasOwnProperty.call(this, name) ? (this as Record<string, unknown>)[name] : initial
      }
    }
    if (typeof context !== 'string' || typeof target !== 'object' || target === null)
      throw new Error(`Shipshape: @${decorator} decorates a named instance property`)
    record(ownMembers(target), context, typeFromDesign(designType(target, context)))
  } as FieldDecorator
}

/**
 * Declares a model property. Without `type`, the TypeScript type is used where the compiler
 * emitted it (experimentalDecorators + emitDecoratorMetadata, with reflect-metadata loaded), as LoopBack does.
 * @example
 *   @property({type: 'string', required: true, length: 200}) title!: string
 *   @property({type: 'string', hidden: true}) password?: string
 *   @property.array(String) tags?: string[]
 */
export function property(definition: Partial<PropertyDefinition> = {}): FieldDecorator {
  return fieldDecorator('property', (members, name, design) => {
    const def = { ...definition } as PropertyDefinition
    if (def.type === undefined && design !== undefined) def.type = design
    members.properties[name] = def
  })
}

/** An array property of `itemType` items (LoopBack's `@property.array(String)`); stored as JSON. */
property.array = function (itemType: PropertyDefinition['type'], definition: Partial<PropertyDefinition> = {}): FieldDecorator {
  return property({ ...definition, type: 'array', itemType })
}

/** Copies constructor data onto fields the class definition has just reset (see `model`). */
function keepConstructorData<C extends Function>(target: C): C {
  const Base = target as unknown as new (...args: unknown[]) => Record<string, unknown>
  const Model = class extends Base {
    constructor(...args: unknown[]) {
      super(...args)
      const data = args[0] as Record<string, unknown> | undefined
      if (data && typeof data === 'object')
        for (const k of Object.keys(data)) if (this[k] === undefined && data[k] !== undefined) this[k] = data[k]
    }
  }
  Object.defineProperty(Model, 'name', { value: target.name })
  return Model as unknown as C
}

/**
 * Declares a model class (extending `Entity`).
 * @example
 *   @model({settings: {indexes: {byTitle: {keys: {title: 1}}}}})
 *   class Todo extends Entity { @property({type: 'number', id: true, generated: true}) id?: number }
 */
export function model(definition: ModelDecoratorDefinition = {}): ClassDecorator {
  return function (target: Function, context?: unknown): any {
    if (isDecoratorContext(context)) {
      installDefinition(target, definition.name ?? String(context.name ?? target.name), readMembers(context.metadata as object), definition)
      return
    }
    // Legacy decorators: fields compiled as [[Define]] (useDefineForClassFields, the default from
    // target ES2022) are reset after Entity's constructor assigned the data; the returned subclass
    // puts the data back. LoopBack's own target (ES2018) doesn't define them, and nothing changes.
    const cls = keepConstructorData(target)
    installDefinition(cls, definition.name ?? target.name, readMembers(target.prototype), definition)
    return cls
  } as ClassDecorator
}
