import type { RepositoryOptions } from '../../datasource/transaction.js'
import { EntityNotFoundError, ShipshapeError } from '../../errors.js'
import type { ResolvedRelation } from '../../model/relations.js'
import type { Filter, Where } from '../filter.js'
import { createInclusionResolver, type Getter, type InclusionResolver } from './include.js'

/** What the relation accessors need of the target's repository (any `DefaultCrudRepository` has it). */
export interface RelatedRepository<T extends object = any> {
  find(filter?: Filter<T>, options?: RepositoryOptions): Promise<T[]>
  create(data: any, options?: RepositoryOptions): Promise<T>
  updateAll(data: any, where?: Where<T>, options?: RepositoryOptions): Promise<{ count: number }>
  deleteAll(where?: Where<T>, options?: RepositoryOptions): Promise<{ count: number }>
}

/** The rows of a hasMany relation for one source row: `todoListRepository.todos(listId).find()`. */
export interface HasManyRepository<T extends object> {
  /** Creates a target row with its foreign key set to the source's key. */
  create(data: Partial<T> | Record<string, unknown>, options?: RepositoryOptions): Promise<T>
  find(filter?: Filter<T>, options?: RepositoryOptions): Promise<T[]>
  /** Updates the source's matching target rows; the foreign key can't be changed here. */
  patch(data: Partial<T> | Record<string, unknown>, where?: Where<T>, options?: RepositoryOptions): Promise<{ count: number }>
  delete(where?: Where<T>, options?: RepositoryOptions): Promise<{ count: number }>
}

/** The row of a hasOne relation for one source row. */
export interface HasOneRepository<T extends object> {
  create(data: Partial<T> | Record<string, unknown>, options?: RepositoryOptions): Promise<T>
  /** The related row; throws ENTITY_NOT_FOUND when there is none. */
  get(filter?: Omit<Filter<T>, 'where'> & { where?: Where<T> }, options?: RepositoryOptions): Promise<T>
  patch(data: Partial<T> | Record<string, unknown>, options?: RepositoryOptions): Promise<{ count: number }>
  delete(options?: RepositoryOptions): Promise<{ count: number }>
}

export type HasManyRepositoryFactory<T extends object, ForeignKey = unknown> = ((key: ForeignKey) => HasManyRepository<T>) & {
  inclusionResolver: InclusionResolver
}
export type HasOneRepositoryFactory<T extends object, ForeignKey = unknown> = ((key: ForeignKey) => HasOneRepository<T>) & {
  inclusionResolver: InclusionResolver
}
/** `todoRepository.todoList(todoId)`: the row a belongsTo points at; ENTITY_NOT_FOUND when none. */
export type BelongsToAccessor<T extends object, SourceId = unknown> = ((sourceId: SourceId) => Promise<T>) & {
  inclusionResolver: InclusionResolver
}
/** The rows a referencesMany property lists, in its order. */
export type ReferencesManyAccessor<T extends object, SourceId = unknown> = ((sourceId: SourceId) => Promise<T[]>) & {
  inclusionResolver: InclusionResolver
}

/** The where clause with the relation's key fixed: `{and: [{todoListId: 3}, where]}`. */
function constrain(key: string, value: unknown, where?: Where): Where {
  const fixed = { [key]: value }
  return where && Object.keys(where).length ? { and: [fixed, where] } : fixed
}

function keyUnchangeable(rel: ResolvedRelation, data: object, value: unknown, isCreate: boolean) {
  const given = (data as Record<string, unknown>)[rel.keyTo]
  if (given === undefined || (isCreate && String(given) === String(value))) return
  throw new ShipshapeError(
    'INVALID_DATA',
    `Model "${rel.target.name}" property "${rel.keyTo}" is the foreign key of relation "${rel.source.name}.${rel.name}"; ` +
      `it is set from the source row and cannot be ${isCreate ? 'given another value' : 'changed'} here.`,
  )
}

export function hasManyFactory<T extends object>(rel: ResolvedRelation, getTarget: Getter<RelatedRepository<T>>): HasManyRepositoryFactory<T> {
  const factory = (key: unknown): HasManyRepository<T> => ({
    async create(data, options) {
      keyUnchangeable(rel, data, key, true)
      return (await getTarget()).create({ ...data, [rel.keyTo]: key }, options)
    },
    async find(filter, options) {
      return (await getTarget()).find({ ...filter, where: constrain(rel.keyTo, key, filter?.where) }, options)
    },
    async patch(data, where, options) {
      keyUnchangeable(rel, data, key, false)
      return (await getTarget()).updateAll(data, constrain(rel.keyTo, key, where), options)
    },
    async delete(where, options) {
      return (await getTarget()).deleteAll(constrain(rel.keyTo, key, where), options)
    },
  })
  return Object.assign(factory, { inclusionResolver: createInclusionResolver(rel, getTarget) })
}

export function hasOneFactory<T extends object>(rel: ResolvedRelation, getTarget: Getter<RelatedRepository<T>>): HasOneRepositoryFactory<T> {
  const factory = (key: unknown): HasOneRepository<T> => ({
    async create(data, options) {
      keyUnchangeable(rel, data, key, true)
      return (await getTarget()).create({ ...data, [rel.keyTo]: key }, options)
    },
    async get(filter, options) {
      const found = await (await getTarget()).find({ ...filter, where: constrain(rel.keyTo, key, filter?.where), limit: 1 }, options)
      if (!found.length) throw new EntityNotFoundError(rel.target.name, key)
      return found[0]!
    },
    async patch(data, options) {
      keyUnchangeable(rel, data, key, false)
      return (await getTarget()).updateAll(data, constrain(rel.keyTo, key), options)
    },
    async delete(options) {
      return (await getTarget()).deleteAll(constrain(rel.keyTo, key), options)
    },
  })
  return Object.assign(factory, { inclusionResolver: createInclusionResolver(rel, getTarget) })
}

/** `findSource` reads the source row (the repository's `findById`). */
export function belongsToAccessor<T extends object>(
  rel: ResolvedRelation,
  getTarget: Getter<RelatedRepository<T>>,
  findSource: (id: unknown, options?: RepositoryOptions) => Promise<object>,
): BelongsToAccessor<T> {
  const accessor = async (sourceId: unknown, options?: RepositoryOptions): Promise<T> => {
    const source = (await findSource(sourceId, options)) as Record<string, unknown>
    const key = source[rel.keyFrom]
    if (key === undefined || key === null) throw new EntityNotFoundError(rel.target.name, key ?? null)
    const found = await (await getTarget()).find({ where: { [rel.keyTo]: key } as Where<T>, limit: 1 }, options)
    if (!found.length) throw new EntityNotFoundError(rel.target.name, key)
    return found[0]!
  }
  return Object.assign(accessor, { inclusionResolver: createInclusionResolver(rel, getTarget) })
}

export function referencesManyAccessor<T extends object>(
  rel: ResolvedRelation,
  getTarget: Getter<RelatedRepository<T>>,
  findSource: (id: unknown, options?: RepositoryOptions) => Promise<object>,
): ReferencesManyAccessor<T> {
  const resolver = createInclusionResolver(rel, getTarget)
  const accessor = async (sourceId: unknown, options?: RepositoryOptions): Promise<T[]> => {
    const source = await findSource(sourceId, options)
    return ((await resolver([source], { relation: rel.name }, options))[0] as T[] | undefined) ?? []
  }
  return Object.assign(accessor, { inclusionResolver: resolver })
}
