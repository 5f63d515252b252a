import type { PropertyDefinition, RelationDefinition } from './definition.js'
import { fieldDecorator, type FieldDecorator } from './decorators.js'

/** The related model, as LoopBack's relation decorators take it: a function returning the class (modules may import each other). */
export type TargetResolver = () => Function

/** What a relation decorator takes beside the target: the relation's name, keys and, for belongsTo, its constraint. */
export interface RelationOptions {
  name?: string
  keyFrom?: string
  keyTo?: string
  foreignKeyConstraint?: RelationDefinition['foreignKeyConstraint']
  [key: string]: unknown
}

/**
 * Declares the foreign-key property of a belongsTo relation, and the relation itself, named after
 * the property without its `Id` (`todoListId` → `todoList`). Without a type (or `design:type`)
 * the property takes the type of the target's id. No foreign-key constraint is created unless
 * asked with `{foreignKeyConstraint: true}` (or the datasource setting `foreignKeyConstraints`).
 * @example
 *   @belongsTo(() => TodoList) todoListId: number
 *   @belongsTo(() => Customer, {name: 'owner', foreignKeyConstraint: {onDelete: 'CASCADE'}}, {required: true}) ownerId: number
 */
export function belongsTo(target: TargetResolver, definition: RelationOptions = {}, propertyDefinition: Partial<PropertyDefinition> = {}): FieldDecorator {
  return fieldDecorator('belongsTo', (members, key, design) => {
    const name = definition.name ?? (key.endsWith('Id') && key.length > 2 ? key.slice(0, -2) : `${key}Relation`)
    members.relations[name] = { ...definition, type: 'belongsTo', name, target, keyFrom: key }
    const prop = { ...propertyDefinition } as PropertyDefinition
    if (prop.type === undefined) {
      if (design !== undefined && design !== 'object') prop.type = design
      else members.typeFromRelation[key] = name
    }
    members.properties[key] = prop
  })
}

/**
 * Declares a one-to-many relation: the target's rows whose foreign key (`keyTo`, by default
 * `<sourceModel>Id` such as `todoListId`) holds this model's id.
 * @example
 *   @hasMany(() => Todo) todos: Todo[]
 *   @hasMany(() => Todo, {keyTo: 'listId'}) items: Todo[]
 */
export function hasMany(target: TargetResolver, definition: RelationOptions = {}): FieldDecorator {
  return fieldDecorator('hasMany', (members, key) => {
    members.relations[definition.name ?? key] = { ...definition, type: 'hasMany', name: definition.name ?? key, target }
  })
}

/** Declares a one-to-one relation whose foreign key is on the target (`@hasOne(() => TodoListImage) image`). */
export function hasOne(target: TargetResolver, definition: RelationOptions = {}): FieldDecorator {
  return fieldDecorator('hasOne', (members, key) => {
    members.relations[definition.name ?? key] = { ...definition, type: 'hasOne', name: definition.name ?? key, target }
  })
}

/**
 * Declares an array property of the target's ids, and the relation reading those rows, named
 * after the property without its `Ids` (`accountIds` → `accounts`).
 * @example
 *   @referencesMany(() => Account) accountIds: number[]
 */
export function referencesMany(target: TargetResolver, definition: RelationOptions = {}, propertyDefinition: Partial<PropertyDefinition> = {}): FieldDecorator {
  return fieldDecorator('referencesMany', (members, key) => {
    const name = definition.name ?? (key.endsWith('Ids') && key.length > 3 ? `${key.slice(0, -3)}s` : `${key}Relation`)
    members.relations[name] = { ...definition, type: 'referencesMany', name, target, keyFrom: key }
    members.properties[key] = { type: 'array', ...propertyDefinition } as PropertyDefinition
  })
}
