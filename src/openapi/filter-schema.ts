import type { ModelDefinition } from '../model/definition.js'
import { relationsOf } from '../model/relations.js'
import type { SchemaObject } from './json-schema.js'

/** `Todo.WhereFilter`: any object (the repository validates property names and operators). */
export function whereSchema(def: ModelDefinition): SchemaObject {
  return { title: `${def.name}.WhereFilter`, type: 'object', additionalProperties: true, 'x-typescript-type': `@loopback/repository#Where<${def.name}>` }
}

/**
 * `Todo.Filter`, as LoopBack 4's `getFilterJsonSchemaFor(Todo)` writes it: offset/limit/skip,
 * order, where, fields (object or array form) and include when the model has relations.
 * `excludeWhere` gives the variant of `GET /todos/{id}`.
 */
export function filterSchema(def: ModelDefinition, excludeWhere = false): SchemaObject {
  const props = Object.keys(def.properties)
  const properties: Record<string, SchemaObject> = {
    offset: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1, example: 100 },
    skip: { type: 'integer', minimum: 0 },
    order: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  }
  if (!excludeWhere) properties.where = whereSchema(def)
  properties.fields = {
    oneOf: [
      { type: 'object', properties: Object.fromEntries(props.map((p) => [p, { type: 'boolean' }])), additionalProperties: false },
      { type: 'array', items: { type: 'string', enum: props, example: props[0] }, uniqueItems: true },
    ],
    title: `${def.name}.Fields`,
  }
  const relations = Object.keys(relationsOf(def))
  if (relations.length)
    properties.include = {
      title: `${def.name}.IncludeFilter`,
      type: 'array',
      items: { anyOf: [{ type: 'string', enum: relations }, { type: 'object', properties: { relation: { type: 'string', enum: relations }, scope: { type: 'object' } } }] },
    }
  return {
    title: `${def.name}.Filter`,
    type: 'object',
    properties,
    additionalProperties: false,
    'x-typescript-type': excludeWhere ? `@loopback/repository#FilterExcludingWhere<${def.name}>` : `@loopback/repository#Filter<${def.name}>`,
  }
}

/** `loopback.Count`: what count, updateAll and deleteAll answer. */
export const COUNT_SCHEMA: SchemaObject = {
  type: 'object',
  title: 'loopback.Count',
  'x-typescript-type': '@loopback/repository#Count',
  properties: { count: { type: 'number' } },
}
