import type { ModelDefinition } from 'shipshape'
import { HttpError } from './http-error.js'

/**
 * A `filter` or `where` query parameter, in either of LoopBack 4's forms: JSON
 * (`?filter={"where":{"title":"welcome"}}`) or query-string style parsed by qs
 * (`?filter[where][title]=welcome&filter[limit]=2`). Query-string values arrive as text, so they
 * are converted to the types of the properties they are compared with, as LoopBack does.
 */
export function queryObject(raw: unknown, name: string, model: ModelDefinition, kind: 'filter' | 'where'): Record<string, unknown> | undefined {
  if (raw === undefined || raw === '') return undefined
  if (typeof raw === 'string') {
    try {
      const parsed = JSON.parse(raw)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed
    } catch {
      // reported below
    }
    throw new HttpError(400, `Invalid data ${JSON.stringify(raw.slice(0, 100))} for parameter "${name}".`, 'INVALID_PARAMETER_VALUE')
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, `Invalid data for parameter "${name}".`, 'INVALID_PARAMETER_VALUE')
  const obj = raw as Record<string, unknown>
  return kind === 'where' ? coerceWhere(obj, model) : coerceFilter(obj, model)
}

function coerceFilter(f: Record<string, unknown>, model: ModelDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { ...f }
  for (const k of ['limit', 'skip', 'offset']) if (typeof out[k] === 'string') out[k] = toNumber(out[k] as string, `filter.${k}`)
  if (out.where && typeof out.where === 'object') out.where = coerceWhere(out.where as Record<string, unknown>, model)
  if (out.fields && typeof out.fields === 'object' && !Array.isArray(out.fields))
    out.fields = Object.fromEntries(Object.entries(out.fields).map(([k, v]) => [k, v === 'false' ? false : v === 'true' ? true : v]))
  return out
}

function coerceWhere(w: Record<string, unknown>, model: ModelDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(w)) {
    if ((k === 'and' || k === 'or') && v && typeof v === 'object')
      out[k] = Object.values(v).map((c) => (c && typeof c === 'object' ? coerceWhere(c as Record<string, unknown>, model) : c))
    else out[k] = coerceCondition(v, model.properties[k]?.type)
  }
  return out
}

function coerceCondition(v: unknown, type: unknown): unknown {
  if (typeof v === 'string') return coerceValue(v, type)
  if (Array.isArray(v)) return v.map((x) => coerceCondition(x, type))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([op, x]) => [op, coerceCondition(x, type)]))
  return v
}

function coerceValue(v: string, type: unknown): unknown {
  const t = typeof type === 'function' ? type.name.toLowerCase() : String(type).toLowerCase()
  if (t === 'number' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v)
  if (t === 'boolean' && (v === 'true' || v === 'false')) return v === 'true'
  return v
}

function toNumber(v: string, name: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `Invalid data ${JSON.stringify(v)} for parameter "${name}".`, 'INVALID_PARAMETER_VALUE')
  return n
}
