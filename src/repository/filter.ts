import { ShipshapeError } from '../errors.js'
import type { ModelMeta, PropertyMeta } from './model-meta.js'
import { propertyOf } from './model-meta.js'
import { filterValue } from './validate.js'
import type { InclusionFilter } from './relations/include.js'

/**
 * LoopBack's where clause: `{title: 'milk'}` (eq), `{estimate: {gt: 2}}`, `{or: [{…}, {…}]}`.
 * Operators: eq neq gt gte lt lte inq nin between like nlike ilike nilike; `and`/`or` take arrays.
 */
export type Where<T extends object = any> = {
  [P in keyof T]?: T[P] | Operators<T[P]>
} & { and?: Where<T>[]; or?: Where<T>[] }

export interface Operators<V> {
  eq?: V | null
  neq?: V | null
  gt?: V
  gte?: V
  lt?: V
  lte?: V
  inq?: V[]
  nin?: V[]
  between?: [V, V]
  like?: string
  nlike?: string
  ilike?: string
  nilike?: string
}

/**
 * LoopBack's filter: `{where, fields, order, limit, skip}`.
 * @example
 *   repo.find({where: {isComplete: false}, order: ['createdAt DESC'], limit: 10, fields: ['id', 'title']})
 */
export interface Filter<T extends object = any> {
  where?: Where<T>
  /** `['id', 'title']`, `{title: true}` (only these) or `{desc: false}` (all but these). */
  fields?: Array<keyof T & string> | { [P in keyof T]?: boolean }
  /** `'title DESC'`, `'title ASC, id'` or `['title DESC', 'id']`. */
  order?: string | string[]
  limit?: number
  skip?: number
  offset?: number
  /** Related rows to read with them: `['todos']`, `[{relation: 'todos', scope: {where, order, limit, include}}]`. */
  include?: InclusionFilter | InclusionFilter[]
}

/** A where clause checked against the model: properties resolved, values typed. Backends compile or evaluate it. */
export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'compare'; property: PropertyMeta; op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte'; value: unknown }
  | { kind: 'null'; property: PropertyMeta; isNegated: boolean }
  | { kind: 'in'; property: PropertyMeta; values: unknown[]; isNegated: boolean }
  | { kind: 'between'; property: PropertyMeta; low: unknown; high: unknown }
  | { kind: 'match'; property: PropertyMeta; op: 'like' | 'nlike' | 'ilike' | 'nilike'; pattern: string }

export interface OrderBy {
  property: PropertyMeta
  isDescending: boolean
}

/** A filter checked against the model. */
export interface NormalizedFilter {
  where?: Condition
  /** Selected properties; undefined means all. */
  fields?: PropertyMeta[]
  order: OrderBy[]
  limit?: number
  skip?: number
}

const COMPARE = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte'])
const MATCH = new Set(['like', 'nlike', 'ilike', 'nilike'])

/** How deep and/or may nest: far beyond any real query, and far below the stack's depth. */
export const MAX_WHERE_DEPTH = 64

function bad(meta: ModelMeta, message: string): never {
  throw new ShipshapeError('INVALID_FILTER', `Invalid filter on model "${meta.name}": ${message}`)
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v)
}

/** Checks a where clause; undefined when it has no condition. */
export function normalizeWhere(meta: ModelMeta, where: unknown, depth = 0): Condition | undefined {
  if (where === undefined || where === null) return undefined
  if (depth > MAX_WHERE_DEPTH) bad(meta, `"and"/"or" nest more than ${MAX_WHERE_DEPTH} levels deep. Flatten the where clause.`)
  if (!isPlainObject(where)) bad(meta, `where must be an object, got ${JSON.stringify(where)}.`)
  const items: Condition[] = []
  for (const key in where) {
    const value = where[key]
    if (value === undefined) continue
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) bad(meta, `"${key}" takes an array of where clauses.`)
      const subs = value.map((w) => normalizeWhere(meta, w, depth + 1)).filter((c): c is Condition => !!c)
      if (subs.length === 1) items.push(subs[0]!)
      else if (subs.length > 1) items.push({ kind: key, items: subs })
      continue
    }
    const p = propertyOf(meta, key, 'where')
    if (isPlainObject(value) && p.type !== 'object' && p.type !== 'any') {
      for (const op in value) items.push(operatorCondition(meta, p, op, value[op]))
    } else if (isPlainObject(value) && Object.keys(value).some((k) => COMPARE.has(k) || MATCH.has(k) || k === 'inq' || k === 'nin' || k === 'between')) {
      for (const op in value) items.push(operatorCondition(meta, p, op, value[op]))
    } else items.push(operatorCondition(meta, p, 'eq', value))
  }
  if (items.length === 0) return undefined
  return items.length === 1 ? items[0]! : { kind: 'and', items }
}

function operatorCondition(meta: ModelMeta, p: PropertyMeta, op: string, raw: unknown): Condition {
  const typed = (v: unknown) => {
    const out = filterValue(meta, p, v)
    // NaN and Infinity have no SQL form, and engines disagree on them (MariaDB reads NaN as a column name).
    if (typeof out === 'number' && !Number.isFinite(out))
      bad(meta, `property "${p.name}": ${String(out)} is not a finite number; filters compare finite numbers only.`)
    return out
  }
  if (COMPARE.has(op)) {
    if (raw === null && (op === 'eq' || op === 'neq')) return { kind: 'null', property: p, isNegated: op === 'neq' }
    if (raw === null || raw === undefined || Array.isArray(raw) && p.type !== 'array' && p.type !== 'any')
      bad(meta, `property "${p.name}": "${op}" takes one value, got ${JSON.stringify(raw)}.`)
    return { kind: 'compare', property: p, op: op as 'eq', value: typed(raw) }
  }
  if (op === 'inq' || op === 'nin') {
    if (!Array.isArray(raw)) bad(meta, `property "${p.name}": "${op}" takes an array of values.`)
    return { kind: 'in', property: p, values: raw.map(typed), isNegated: op === 'nin' }
  }
  if (op === 'between') {
    if (!Array.isArray(raw) || raw.length !== 2) bad(meta, `property "${p.name}": "between" takes [low, high].`)
    return { kind: 'between', property: p, low: typed(raw[0]), high: typed(raw[1]) }
  }
  if (MATCH.has(op)) {
    if (typeof raw !== 'string') bad(meta, `property "${p.name}": "${op}" takes a pattern string such as 'mil%'.`)
    return { kind: 'match', property: p, op: op as 'like', pattern: raw }
  }
  return bad(
    meta,
    `property "${p.name}": unknown operator ${JSON.stringify(op)}. ` +
      `Use eq, neq, gt, gte, lt, lte, inq, nin, between, like, nlike, ilike or nilike.`,
  )
}

function count(meta: ModelMeta, name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    bad(meta, `${name} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}.`)
  return n
}

/** Checks a whole filter against the model. */
export function normalizeFilter(meta: ModelMeta, filter: Filter | undefined): NormalizedFilter {
  if (!filter) return { order: [] }
  if (!isPlainObject(filter)) bad(meta, `a filter must be an object such as {where: {...}, limit: 10}.`)
  for (const key in filter)
    if (!['where', 'fields', 'order', 'limit', 'skip', 'offset', 'include'].includes(key))
      bad(meta, `unknown filter key ${JSON.stringify(key)}. Use where, fields, order, limit, skip or offset.`)
  if (filter.include !== undefined) bad(meta, `"include" (relations) is not supported.`)
  const out: NormalizedFilter = { order: normalizeOrder(meta, filter.order) }
  const where = normalizeWhere(meta, filter.where)
  if (where) out.where = where
  const fields = normalizeFields(meta, filter.fields)
  if (fields) out.fields = fields
  const limit = count(meta, 'limit', filter.limit)
  if (limit !== undefined) out.limit = limit
  const skip = count(meta, 'skip', filter.skip ?? filter.offset)
  if (skip !== undefined && skip > 0) out.skip = skip
  return out
}

function normalizeFields(meta: ModelMeta, fields: unknown): PropertyMeta[] | undefined {
  if (fields === undefined || fields === null) return undefined
  if (Array.isArray(fields)) {
    if (fields.length === 0) return undefined
    const wanted = new Set(fields.map((f) => propertyOf(meta, String(f), 'fields').name))
    return meta.properties.filter((p) => wanted.has(p.name))
  }
  if (!isPlainObject(fields)) bad(meta, `fields must be an array of property names or an object {name: true}.`)
  const entries = Object.entries(fields)
  for (const [k] of entries) propertyOf(meta, k, 'fields')
  const included = entries.filter(([, v]) => v === true || v === 1 || v === 'true').map(([k]) => k)
  const excluded = new Set(entries.filter(([, v]) => v === false || v === 0 || v === 'false').map(([k]) => k))
  const list = included.length ? meta.properties.filter((p) => included.includes(p.name)) : meta.properties.filter((p) => !excluded.has(p.name))
  return list.length === meta.properties.length ? undefined : list
}

function normalizeOrder(meta: ModelMeta, order: unknown): OrderBy[] {
  if (order === undefined || order === null || order === '') return []
  const parts = (Array.isArray(order) ? order : [order]).flatMap((o) => {
    if (typeof o !== 'string') bad(meta, `order must be a string such as 'title DESC' or an array of them.`)
    return o.split(',').map((s) => s.trim()).filter(Boolean)
  })
  return parts.map((part) => {
    const m = /^(\S+)(?:\s+(asc|desc))?$/i.exec(part)
    if (!m) bad(meta, `order ${JSON.stringify(part)} is not "property" or "property ASC|DESC".`)
    return { property: propertyOf(meta, m[1]!, 'order'), isDescending: m[2]?.toLowerCase() === 'desc' }
  })
}
