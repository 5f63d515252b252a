import { ModelDefinitionError } from '../errors.js'
import type { ForeignKeyDefinition, ModelDefinition, RelationDefinition, RelationType } from './definition.js'
import { idPropertyNames, isModelClass, type ModelClass } from './entity.js'

/** A relation with its target and keys resolved (LoopBack's defaults applied). */
export interface ResolvedRelation {
  name: string
  type: RelationType
  source: ModelDefinition
  target: ModelDefinition
  /** The target's class, when the relation names one (decorators); JSON relations name a model. */
  targetClass?: ModelClass
  /** Property of the source whose value(s) select the targets. */
  keyFrom: string
  /** Property of the target matched against `keyFrom`. */
  keyTo: string
  /** hasMany and referencesMany give arrays; belongsTo and hasOne one row or none. */
  isMany: boolean
  definition: RelationDefinition
}

/** Finds a model by name (the datasource's attached models). */
export type ModelLookup = (name: string) => ModelClass | ModelDefinition | undefined

const TYPES: Record<string, RelationType> = {
  belongsto: 'belongsTo',
  hasmany: 'hasMany',
  hasone: 'hasOne',
  referencesmany: 'referencesMany',
}

/** Every relation of a model: decorators' and JSON `relations`, with LoopBack 3's `settings.relations`. */
export function relationsOf(def: ModelDefinition): Record<string, RelationDefinition> {
  const fromSettings = def.settings?.relations
  if (!fromSettings) return def.relations ?? {}
  return { ...fromSettings, ...def.relations }
}

/** LoopBack's default foreign-key name: `TodoList` → `todoListId`. */
export function camelCaseId(modelName: string): string {
  const words = modelName.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [modelName]
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('') + 'Id'
}

function definitionOfModel(m: ModelClass | ModelDefinition): ModelDefinition {
  return isModelClass(m) ? m.definition : m
}

/** The target model of a relation: its class (resolver or class) or its name, looked up. */
function targetOf(source: ModelDefinition, name: string, rel: RelationDefinition, lookup?: ModelLookup): { def: ModelDefinition; cls?: ModelClass } {
  let t: unknown = rel.target ?? rel.model
  if (typeof t === 'function' && !isModelClass(t)) t = (t as () => unknown)()
  if (isModelClass(t)) return { def: t.definition, cls: t }
  if (typeof t === 'string') {
    const found = lookup?.(t)
    if (found) return { def: definitionOfModel(found), ...(isModelClass(found) ? { cls: found } : {}) }
    throw new ModelDefinitionError(
      `Model "${source.name}" relation "${name}": model "${t}" is not known here. Attach it to the same datasource ` +
        `(a repository for it, or the datasource's models).`,
    )
  }
  throw new ModelDefinitionError(
    `Model "${source.name}" relation "${name}": no target model. Declare {target: () => Target} or, in JSON, {model: 'Target'}.`,
  )
}

/**
 * Resolves one relation of `source`: type, target and keys, with LoopBack's defaults
 * (belongsTo `<name>Id` → target id; hasMany/hasOne source id → `<sourceModel>Id`;
 * referencesMany `<singular name>Ids` → target id). Throws naming the model, relation and property.
 */
export function resolveRelation(source: ModelDefinition, name: string, lookup?: ModelLookup): ResolvedRelation {
  const rel = relationsOf(source)[name]
  if (!rel)
    throw new ModelDefinitionError(
      `Model "${source.name}" has no relation "${name}". Relations: ${Object.keys(relationsOf(source)).join(', ') || '(none)'}.`,
    )
  const type = TYPES[String(rel.type).toLowerCase()]
  if (!type)
    throw new ModelDefinitionError(
      `Model "${source.name}" relation "${name}": type "${String(rel.type)}" is not supported; use belongsTo, hasMany, hasOne or referencesMany.`,
    )
  const { def: target, cls } = targetOf(source, name, rel, lookup)
  const idOf = (m: ModelDefinition) => {
    const ids = idPropertyNames(m)
    if (ids.length !== 1)
      throw new ModelDefinitionError(
        `Model "${source.name}" relation "${name}": model "${m.name}" has ${ids.length ? 'a composite' : 'no'} id; name the key with keyFrom/keyTo.`,
      )
    return ids[0]!
  }
  let keyFrom: string
  let keyTo: string
  switch (type) {
    case 'belongsTo':
      keyFrom = rel.keyFrom ?? rel.foreignKey ?? `${name}Id`
      keyTo = rel.keyTo ?? rel.primaryKey ?? idOf(target)
      break
    case 'hasMany':
    case 'hasOne':
      keyFrom = rel.keyFrom ?? rel.primaryKey ?? idOf(source)
      keyTo = rel.keyTo ?? rel.foreignKey ?? camelCaseId(source.name)
      break
    case 'referencesMany':
      keyFrom = rel.keyFrom ?? rel.foreignKey ?? `${name.replace(/s$/, '')}Ids`
      keyTo = rel.keyTo ?? rel.primaryKey ?? idOf(target)
      break
  }
  if (!source.properties[keyFrom])
    throw new ModelDefinitionError(
      `Model "${source.name}" relation "${name}": "${keyFrom}" is not a property of "${source.name}". ` +
        `Add it, or name the key with ${type === 'belongsTo' || type === 'referencesMany' ? 'keyFrom' : 'keyFrom (the source key)'}.`,
    )
  if (!target.properties[keyTo])
    throw new ModelDefinitionError(
      `Model "${source.name}" relation "${name}": "${keyTo}" is not a property of "${target.name}". ` +
        (type === 'hasMany' || type === 'hasOne'
          ? `Declare the foreign key on "${target.name}" (@belongsTo or @property), or name it with {keyTo: '...'}.`
          : `Name the target key with {keyTo: '...'}.`),
    )
  return { name, type, source, target, ...(cls ? { targetClass: cls } : {}), keyFrom, keyTo, isMany: type === 'hasMany' || type === 'referencesMany', definition: rel }
}

/**
 * The foreign keys a model's belongsTo relations ask for: those with `foreignKeyConstraint`
 * (or every belongsTo when `byDefault`, the datasource's `foreignKeyConstraints`). LoopBack
 * created none, so without either there are none.
 */
export function relationForeignKeys(model: ModelDefinition, lookup: ModelLookup, byDefault = false): ForeignKeyDefinition[] {
  const out: ForeignKeyDefinition[] = []
  for (const [name, rel] of Object.entries(relationsOf(model))) {
    if (TYPES[String(rel.type).toLowerCase()] !== 'belongsTo') continue
    const ask = rel.foreignKeyConstraint ?? byDefault
    if (!ask) continue
    const r = resolveRelation(model, name, lookup)
    const opts = typeof ask === 'object' ? ask : {}
    out.push({
      ...(opts.name ? { name: opts.name } : {}),
      entity: r.target.name,
      entityKey: r.keyTo,
      foreignKey: r.keyFrom,
      ...(opts.onDelete ? { onDelete: opts.onDelete } : {}),
      ...(opts.onUpdate ? { onUpdate: opts.onUpdate } : {}),
    })
  }
  return out
}
