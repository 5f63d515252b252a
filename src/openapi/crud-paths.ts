import type { ModelDefinition } from '../model/definition.js'
import type { ModelLookup } from '../model/relations.js'
import { COUNT_SCHEMA, whereSchema } from './filter-schema.js'
import { idParameterSchema, ref, type SchemaObject } from './json-schema.js'

const json = (schema: SchemaObject) => ({ 'application/json': { schema } })

/** The schema component names the CRUD paths refer to, for `document.ts` to define. */
export function crudSchemaNames(def: ModelDefinition) {
  const m = def.name
  return { model: m, create: `New${m}`, partial: `${m}Partial`, withRelations: `${m}WithRelations`, filter: `${m}.Filter`, filterExcludingWhere: `${m}.Filter1` }
}

/**
 * The paths of LoopBack 4's generated CRUD controller (`lb4 controller`, "REST Controller with
 * CRUD functions") for one model: POST/GET/PATCH on `basePath`, `basePath/count`, and
 * GET/PATCH/PUT/DELETE on `basePath/{id}`, with its status codes and descriptions.
 */
export function crudPaths(def: ModelDefinition, basePath: string, lookup: ModelLookup): Record<string, SchemaObject> {
  const m = def.name
  const names = crudSchemaNames(def)
  const controller = `${m}Controller`
  const op = (name: string, spec: SchemaObject): SchemaObject => ({
    'x-controller-name': controller,
    'x-operation-name': name,
    tags: [controller],
    ...spec,
    operationId: `${controller}.${name}`,
  })
  const where = { name: 'where', in: 'query', content: json(whereSchema(def)) }
  const filter = (name: string) => ({ name: 'filter', in: 'query', content: json(ref(name)) })
  const id = idParameterSchema(def, lookup)
  const idParam = { name: id.name, in: 'path', schema: id.schema, required: true }
  const body = (schema: string) => ({ content: json(ref(schema)), 'x-parameter-index': 1 })
  const ok = (description: string, schema?: SchemaObject) => ({ '200': { description, ...(schema ? { content: json(schema) } : {}) } })
  const noContent = (description: string) => ({ '204': { description } })
  return {
    [`${basePath}/count`]: {
      get: op('count', { responses: ok(`${m} model count`, COUNT_SCHEMA), parameters: [where] }),
    },
    [`${basePath}/{${id.name}}`]: {
      put: op('replaceById', { responses: noContent(`${m} PUT success`), parameters: [idParam], requestBody: body(names.model) }),
      patch: op('updateById', { responses: noContent(`${m} PATCH success`), parameters: [idParam], requestBody: body(names.partial) }),
      get: op('findById', {
        responses: ok(`${m} model instance`, ref(names.withRelations)),
        parameters: [idParam, filter(names.filterExcludingWhere)],
      }),
      delete: op('deleteById', { responses: noContent(`${m} DELETE success`), parameters: [idParam] }),
    },
    [basePath]: {
      post: op('create', { responses: ok(`${m} model instance`, ref(names.model)), requestBody: { content: json(ref(names.create)) } }),
      patch: op('updateAll', { responses: ok(`${m} PATCH success count`, COUNT_SCHEMA), parameters: [where], requestBody: { content: json(ref(names.partial)) } }),
      get: op('find', {
        responses: ok(`Array of ${m} model instances`, { type: 'array', items: ref(names.withRelations) }),
        parameters: [filter(names.filter)],
      }),
    },
  }
}
