import type { RepositoryOptions } from '../../datasource/transaction.js'
import { ShipshapeError } from '../../errors.js'
import type { ResolvedRelation } from '../../model/relations.js'
import type { Filter } from '../filter.js'

/** One entry of a filter's `include`: a relation, and the filter (scope) its rows must pass. */
export interface Inclusion<T extends object = any> {
  relation: string
  /** where, fields, order, limit, skip and a nested `include`; limit and skip count per parent row. */
  scope?: Filter<T>
}

/** `'todos'` or `{relation: 'todos', scope: {...}}`. */
export type InclusionFilter = string | Inclusion

/** A function returning a dependency when it is needed (LoopBack's `Getter`, for repositories that refer to each other). */
export type Getter<T> = () => Promise<T>

/**
 * Reads the related rows of many entities at once (LoopBack's `InclusionResolver`): one result
 * per entity, in order; an array for to-many relations, one row for to-one, undefined for none.
 */
export type InclusionResolver<S extends object = any, T extends object = any> = (
  entities: S[],
  inclusion: Inclusion<T>,
  options?: RepositoryOptions,
) => Promise<Array<T | T[] | undefined>>

/** What resolving a relation needs of the target's repository. */
export interface FindRepository<T extends object = any> {
  find(filter?: Filter<T>, options?: RepositoryOptions): Promise<T[]>
}

function invalid(model: string, message: string): never {
  throw new ShipshapeError('INVALID_INCLUSION_FILTER', `Invalid "include" on model "${model}": ${message}`)
}

/** A filter's `include` as a list of inclusions (strings and `{relation, scope}` objects, alone or in an array). */
export function normalizeInclusions(model: string, include: unknown): Inclusion[] {
  if (include === undefined || include === null) return []
  const list = Array.isArray(include) ? include : [include]
  return list.map((item) => {
    if (typeof item === 'string') return { relation: item }
    if (item && typeof item === 'object' && typeof (item as Inclusion).relation === 'string') {
      const { relation, scope } = item as Inclusion
      if (scope !== undefined && (typeof scope !== 'object' || scope === null || Array.isArray(scope)))
        invalid(model, `the scope of "${relation}" must be a filter object such as {where: {...}, limit: 5}.`)
      return scope ? { relation, scope } : { relation }
    }
    return invalid(model, `${JSON.stringify(item)} is not a relation name or {relation: 'name', scope: {...}}.`)
  })
}

/**
 * `fields` with `key` selected too. `isAdded` says the caller asked for it not to be, so it is
 * removed again from the rows once they are matched.
 */
export function withField(fields: unknown, key: string): { fields: unknown; isAdded: boolean } {
  if (fields === undefined || fields === null) return { fields, isAdded: false }
  if (Array.isArray(fields)) {
    if (fields.length === 0 || fields.includes(key)) return { fields, isAdded: false }
    return { fields: [...fields, key], isAdded: true }
  }
  if (typeof fields !== 'object') return { fields, isAdded: false }
  const f = fields as Record<string, unknown>
  const isIncluded = (v: unknown) => v === true || v === 1 || v === 'true'
  const isExcluded = (v: unknown) => v === false || v === 0 || v === 'false'
  if (Object.values(f).some(isIncluded)) return isIncluded(f[key]) ? { fields, isAdded: false } : { fields: { ...f, [key]: true }, isAdded: true }
  if (isExcluded(f[key])) {
    const { [key]: _dropped, ...rest } = f
    return { fields: rest, isAdded: true }
  }
  return { fields, isAdded: false }
}

/** A value as a lookup key: `1` and `'1'` match (an id read from text), dates by instant. */
function keyOf(v: unknown): string {
  if (v instanceof Date) return `d${v.getTime()}`
  if (typeof v === 'object' && v !== null) return `o${JSON.stringify(v)}`
  return `v${String(v)}`
}

function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null
}

/**
 * The inclusion resolver of a relation: one `find` on the target per call, for every entity at
 * once (`keyTo` in the entities' keys), whatever the number of entities. A scope's `limit` and
 * `skip` apply per entity, on the rows that query returned in the scope's order.
 */
export function createInclusionResolver(rel: ResolvedRelation, getTarget: Getter<FindRepository>): InclusionResolver {
  return async (entities, inclusion, options) => {
    const sourceKeys = entities.map((e) => (e as Record<string, unknown>)[rel.keyFrom])
    const wanted = new Map<string, unknown>()
    for (const k of sourceKeys) {
      if (rel.type === 'referencesMany') {
        if (Array.isArray(k)) for (const id of k) if (isPresent(id)) wanted.set(keyOf(id), id)
      } else if (isPresent(k)) wanted.set(keyOf(k), k)
    }
    if (wanted.size === 0) return entities.map(() => undefined)
    const { limit, skip, offset, where, fields, ...rest } = (inclusion.scope ?? {}) as Filter & Record<string, unknown>
    const inq = { [rel.keyTo]: { inq: [...wanted.values()] } }
    const selected = withField(fields, rel.keyTo)
    const filter: Record<string, unknown> = { ...rest, where: where ? { and: [inq, where] } : inq }
    if (selected.fields !== undefined) filter.fields = selected.fields
    const targets = (await (await getTarget()).find(filter as Filter, options)) as Array<Record<string, unknown>>
    const groups = new Map<string, Array<Record<string, unknown>>>()
    for (const t of targets) {
      const k = keyOf(t[rel.keyTo])
      const g = groups.get(k)
      if (g) g.push(t)
      else groups.set(k, [t])
    }
    if (selected.isAdded) for (const t of targets) delete t[rel.keyTo]
    const from = Number(skip ?? offset ?? 0) || 0
    const perParent = (rows: Array<Record<string, unknown>>) =>
      limit === undefined && from === 0 ? rows : rows.slice(from, limit === undefined ? undefined : from + Number(limit))
    return sourceKeys.map((k) => {
      switch (rel.type) {
        case 'belongsTo':
        case 'hasOne':
          return isPresent(k) ? groups.get(keyOf(k))?.[0] : undefined
        case 'hasMany': {
          const rows = isPresent(k) ? groups.get(keyOf(k)) : undefined
          return rows ? perParent(rows) : undefined
        }
        case 'referencesMany': {
          if (!Array.isArray(k)) return undefined
          // In the order of the ids held, as LoopBack gives them.
          const rows = k.map((id) => groups.get(keyOf(id))?.[0]).filter(isPresent) as Array<Record<string, unknown>>
          return rows.length ? perParent(rows) : undefined
        }
      }
    })
  }
}
