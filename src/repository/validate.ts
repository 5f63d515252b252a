import { ShipshapeError } from '../errors.js'
import type { ModelMeta, PropertyMeta } from './model-meta.js'

/** One row to write: a value per property, in the model's property order; `undefined` = not given. */
export type RowValues = unknown[]

/** What a write does with properties that aren't given: `create` and `replace` check required ones. */
export type WriteMode = 'create' | 'update' | 'replace'

function invalid(meta: ModelMeta, message: string): never {
  throw new ShipshapeError('VALIDATION_FAILED', `The ${meta.name} instance is not valid: ${message}`)
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a finite number',
  boolean: 'a boolean',
  date: 'a date (Date or ISO-8601 text)',
  object: 'an object',
  array: 'an array',
  buffer: 'a Buffer',
}

/** The value as the property's JS type (ISO text → Date), or a validation error naming the property. */
function checkType(meta: ModelMeta, p: PropertyMeta, v: unknown): unknown {
  switch (p.type) {
    case 'string':
      if (typeof v === 'string') return v
      break
    case 'number':
      if (typeof v === 'number' && Number.isFinite(v)) return v
      break
    case 'boolean':
      if (typeof v === 'boolean') return v
      break
    case 'date': {
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v
      if (typeof v === 'string' || typeof v === 'number') {
        const d = new Date(v)
        if (!Number.isNaN(d.getTime())) return d
      }
      break
    }
    case 'object':
      if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !(v instanceof Date)) return v
      break
    case 'array':
      if (Array.isArray(v)) return v
      break
    case 'buffer':
      if (Buffer.isBuffer(v)) return v
      if (v instanceof Uint8Array) return Buffer.from(v)
      break
    case 'any':
      return v
  }
  return invalid(meta, `property "${p.name}" must be ${TYPE_NAMES[p.type]}, got ${describe(v)}.`)
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`
  return typeof v
}

/**
 * Checks data against the model (known properties, JS types, required ones) and returns its
 * values in property order. Unknown properties are refused: LoopBack's strict mode, and a typo
 * would otherwise be dropped silently.
 */
export function rowValues(meta: ModelMeta, data: object, mode: WriteMode): RowValues {
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    invalid(meta, `expected an object of property values, got ${describe(data)}.`)
  const src = data as Record<string, unknown>
  const props = meta.properties
  for (const key in src) if (!meta.byName.has(key) && src[key] !== undefined) invalid(meta, `property "${key}" is not defined in the model. Known properties: ${props.map((p) => p.name).join(', ')}.`)
  const out: RowValues = new Array(props.length)
  for (let i = 0; i < props.length; i++) {
    const p = props[i]!
    const v = src[p.name]
    if (v === undefined || v === null) {
      // A value the store fills in (generated, default, defaultFn) may be left out of a new row, as the juggler allows.
      const isFilled = p.isGenerated || (mode === 'create' && v === undefined && (p.definition.defaultFn != null || p.definition.default != null))
      const missing = mode === 'update' ? v === null : !(isFilled || (p.isId && mode === 'replace'))
      if (p.isRequired && missing) invalid(meta, `property "${p.name}" is required${v === null ? ' and cannot be null' : ''}.`)
      out[i] = v
      continue
    }
    out[i] = checkFits(meta, p, checkType(meta, p, v))
  }
  return out
}

const INTEGER_TYPES: Record<string, number> = { tinyint: 2 ** 7, smallint: 2 ** 15, mediumint: 2 ** 23, int: 2 ** 31, integer: 2 ** 31, bigint: 2 ** 63 }

/**
 * What the column would refuse, refused the same on every back end before the write (SQLite
 * keeps a 50-character value under VARCHAR(10), or 1.5 in an INTEGER, where the others refuse).
 * A longer string than `length`, more whole digits than `precision` − `scale`, and a fraction or an
 * out-of-range value for an integer column are errors; extra decimal places are rounded, as the column does.
 */
function checkFits(meta: ModelMeta, p: PropertyMeta, v: unknown): unknown {
  const def = p.definition
  if (p.type === 'string' && typeof v === 'string' && def.length !== undefined) {
    const length = Number(def.length)
    // Characters as the engines count them: code points, not UTF-16 units.
    if (v.length > length && [...v].length > length)
      invalid(meta, `property "${p.name}" is longer than its length ${length} (${[...v].length} characters).`)
  }
  if (p.type === 'number' && typeof v === 'number') {
    if (def.precision !== undefined) {
      const whole = Number(def.precision) - Number(def.scale ?? 0)
      const rounded = Math.abs(Number(v.toFixed(Number(def.scale ?? 0))))
      if (rounded >= 10 ** whole)
        invalid(meta, `property "${p.name}" is ${v}, more than ${whole} whole digit(s) (precision ${def.precision}, scale ${def.scale ?? 0}).`)
    }
    const dataType = typeof def.dataType === 'string' ? def.dataType.toLowerCase().replace(/\(.*$/, '').trim() : p.isId && !def.dataType ? 'integer' : undefined
    const limit = dataType ? INTEGER_TYPES[dataType] : undefined
    if (limit !== undefined) {
      if (!Number.isInteger(v)) invalid(meta, `property "${p.name}" is ${v}; its ${dataType} column holds whole numbers only.`)
      if (v < -limit || v >= limit) invalid(meta, `property "${p.name}" is ${v}, outside the range of its ${dataType} column.`)
    }
  }
  return v
}

/** A filter value as the property's type, leniently (query strings carry text): '3' → 3, ISO text → Date. */
export function filterValue(meta: ModelMeta, p: PropertyMeta, v: unknown): unknown {
  if (v === null || v === undefined) return v
  switch (p.type) {
    case 'number':
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
      if (typeof v === 'number') return v
      break
    case 'date': {
      const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined
      if (d && !Number.isNaN(d.getTime())) return d
      break
    }
    case 'boolean':
      if (typeof v === 'boolean') return v
      if (v === 'true' || v === 1 || v === '1') return true
      if (v === 'false' || v === 0 || v === '0') return false
      break
    case 'string':
      if (typeof v === 'string') return v
      if (typeof v === 'number' || typeof v === 'boolean') return String(v)
      break
    default:
      return v
  }
  throw new ShipshapeError(
    'INVALID_FILTER',
    `Model "${meta.name}" property "${p.name}": ${describe(v)} cannot be compared with a ${p.type} property.`,
  )
}
