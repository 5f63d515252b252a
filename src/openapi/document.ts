import { definitionOf } from '../datasource/datasource.js'
import type { ModelDefinition } from '../model/definition.js'
import { idPropertyNames, type ModelClass } from '../model/entity.js'
import { crudPaths, crudSchemaNames } from './crud-paths.js'
import { filterSchema } from './filter-schema.js'
import { modelJsonSchema, type SchemaObject } from './json-schema.js'

export interface OpenApiOptions {
  /** `info` of the document (title defaults to 'shipshape-app', version to '1.0.0'). */
  info?: { title?: string; version?: string; description?: string }
  /** Every model the API speaks of: each gets its schema components. */
  models: Array<ModelClass | ModelDefinition>
  /** Models served by a CRUD controller, and where (default `/` + model name, lower case, plural). */
  crud?: Array<{ model: ModelClass | ModelDefinition; basePath?: string }>
  /** `servers` (default `[{url: '/'}]`, as LoopBack 4). */
  servers?: Array<{ url: string; description?: string }>
}

/** An OpenAPI 3.0 document (plain JSON). */
export interface OpenApiDocument {
  openapi: '3.0.0'
  info: { title: string; version: string; description?: string }
  paths: Record<string, SchemaObject>
  servers: Array<{ url: string; description?: string }>
  components: { schemas: Record<string, SchemaObject> }
}

/**
 * The OpenAPI 3 document a LoopBack 4 application serves at `/openapi.json`, generated from the
 * models: a schema per model with the `New<Model>`, `<Model>Partial` and `<Model>WithRelations`
 * variants and the filter schemas, and the paths of a CRUD controller for each `crud` entry.
 * @example
 *   const doc = openApiDocument({info: {title: 'todo'}, models: [Todo], crud: [{model: Todo, basePath: '/todos'}]})
 *   app.get('/openapi.json', (_req, res) => res.json(doc))
 */
export function openApiDocument(options: OpenApiOptions): OpenApiDocument {
  const defs = new Map<string, ModelDefinition>()
  for (const m of [...options.models, ...(options.crud ?? []).map((c) => c.model)]) {
    const def = definitionOf(m)
    defs.set(def.name, def)
  }
  const lookup = (name: string) => defs.get(name)
  const schemas: Record<string, SchemaObject> = {}
  const paths: Record<string, SchemaObject> = {}
  for (const def of defs.values()) {
    schemas[def.name] = modelJsonSchema(def, {}, lookup)
    schemas[`${def.name}WithRelations`] = modelJsonSchema(def, { includeRelations: true }, lookup)
  }
  for (const c of options.crud ?? []) {
    const def = definitionOf(c.model)
    const names = crudSchemaNames(def)
    const generated = idPropertyNames(def).filter((k) => def.properties[k]!.generated)
    schemas[names.create] = modelJsonSchema(def, { title: names.create, exclude: generated }, lookup)
    schemas[names.partial] = modelJsonSchema(def, { partial: true }, lookup)
    schemas[names.filter] = filterSchema(def)
    schemas[names.filterExcludingWhere] = filterSchema(def, true)
    Object.assign(paths, crudPaths(def, c.basePath ?? `/${def.name.toLowerCase()}s`, lookup))
  }
  return {
    openapi: '3.0.0',
    info: { title: options.info?.title ?? 'shipshape-app', version: options.info?.version ?? '1.0.0', ...(options.info?.description ? { description: options.info.description } : {}) },
    paths,
    servers: options.servers ?? [{ url: '/' }],
    components: { schemas },
  }
}
