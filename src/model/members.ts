import { ModelDefinitionError } from '../errors.js'
import type { ModelDefinition, ModelSettings, PropertyDefinition, RelationDefinition } from './definition.js'

/** What the member decorators of one class record, before `@model` makes it a definition. */
export interface ModelMembers {
  properties: Record<string, PropertyDefinition>
  relations: Record<string, RelationDefinition>
  /** belongsTo foreign keys declared without a type: they take the target's id type (property → relation). */
  typeFromRelation: Record<string, string>
}

// Symbol.for: a model declared against another copy of the package is still read.
const MEMBERS = Symbol.for('shipshape.model-members')

type Holder = { [MEMBERS]?: ModelMembers }

/**
 * The members recorded on a holder: the TC39 decorator metadata object, or the class prototype
 * under legacy decorators. Both inherit from the parent class's holder, so the first write makes
 * an own copy: a subclass extends its parent's members without changing them.
 */
export function ownMembers(holder: object): ModelMembers {
  const h = holder as Holder
  if (!Object.prototype.hasOwnProperty.call(h, MEMBERS)) {
    const inherited = h[MEMBERS]
    Object.defineProperty(h, MEMBERS, {
      value: {
        properties: { ...inherited?.properties },
        relations: { ...inherited?.relations },
        typeFromRelation: { ...inherited?.typeFromRelation },
      },
      configurable: true,
      writable: true,
    })
  }
  return h[MEMBERS]!
}

/** The members a holder has or inherits (none when no member decorator ran). */
export function readMembers(holder: object | undefined): ModelMembers {
  return (holder as Holder | undefined)?.[MEMBERS] ?? { properties: {}, relations: {}, typeFromRelation: {} }
}

/** What `@model({...})` takes: LoopBack's model decorator argument. */
export interface ModelDecoratorDefinition {
  name?: string
  settings?: ModelSettings
  [key: string]: unknown
}

/**
 * Gives the class its `definition`. It is built on first read, not at declaration, because a
 * relation's target (`() => TodoList`) may not exist yet while modules that import each other load.
 */
export function installDefinition(cls: Function, name: string, members: ModelMembers, options: ModelDecoratorDefinition) {
  const properties: Record<string, PropertyDefinition> = {}
  for (const [k, p] of Object.entries(members.properties)) properties[k] = { ...p }
  const relations = { ...members.relations }
  for (const [k, p] of Object.entries(properties))
    if (p.type === undefined && !members.typeFromRelation[k])
      throw new ModelDefinitionError(
        `Model "${name}" property "${k}" has no type. Declare it (@property({type: 'string'})), or compile with ` +
          `emitDecoratorMetadata and import 'reflect-metadata' before the models so the TypeScript type is read.`,
      )
  let cached: ModelDefinition | undefined
  let isBuilding = false
  const build = (): ModelDefinition => {
    const def: ModelDefinition = { name, properties, settings: { ...(options.settings ?? {}) } }
    if (Object.keys(relations).length) def.relations = relations
    if (isBuilding) return def
    isBuilding = true
    try {
      for (const [prop, relName] of Object.entries(members.typeFromRelation))
        if (properties[prop]!.type === undefined) properties[prop]!.type = targetIdType(def, relations[relName]!, cls)
    } finally {
      isBuilding = false
    }
    return def
  }
  Object.defineProperty(cls, 'definition', {
    get: () => (cached ??= build()),
    enumerable: true,
    configurable: true,
  })
}

/** The type of the target's id, for a belongsTo foreign key declared without one (LoopBack reads it from the TypeScript type). */
function targetIdType(source: ModelDefinition, rel: RelationDefinition, cls: Function): PropertyDefinition['type'] {
  let target = rel.target
  if (typeof target === 'function' && !(target as { definition?: unknown }).definition) target = (target as () => Function)()
  const def: ModelDefinition | undefined =
    target === cls ? source : typeof target === 'function' ? (target as { definition?: ModelDefinition }).definition : undefined
  if (!def)
    throw new ModelDefinitionError(
      `Model "${source.name}" relation "${rel.name}": the target model is not defined yet, so the type of "${rel.keyFrom}" ` +
        `is unknown. Give it one: @belongsTo(() => Target, {}, {type: 'number'}).`,
    )
  const keyTo = rel.keyTo ?? Object.entries(def.properties).find(([, p]) => p.id)?.[0]
  const type = keyTo ? def.properties[keyTo]?.type : undefined
  // A target being built (two models referencing each other, neither key typed) has no type yet.
  return type ?? 'number'
}
