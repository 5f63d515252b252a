import type { Condition, OrderBy } from './filter.js'

// The memory connector follows SQL's semantics so results match the SQL backends:
// a comparison involving a NULL (or missing) value is false, `neq`/`nin`/`nlike` included.

function key(v: unknown): unknown {
  if (v instanceof Date) return v.getTime()
  if (typeof v === 'boolean') return v ? 1 : 0
  return v
}

function isEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return key(a) === key(b)
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b)
  if (typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b)
  return a === b
}

/** Orders two non-null values of one property: -1, 0 or 1. */
export function compareValues(a: unknown, b: unknown): number {
  const x = key(a) as number | string
  const y = key(b) as number | string
  return x < y ? -1 : x > y ? 1 : 0
}

const patterns = new Map<string, RegExp>()

/** A LIKE pattern as a regular expression: `%` any run, `_` one character, `\` escapes. */
function likeRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = (ignoreCase ? 'i' : 's') + pattern
  let re = patterns.get(cacheKey)
  if (re) return re
  let src = ''
  for (let i = 0; i < pattern.length; i++) {
    let c = pattern[i]!
    if (c === '\\' && i + 1 < pattern.length) {
      c = pattern[++i]!
      src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else if (c === '%') src += '[\\s\\S]*'
    else if (c === '_') src += '[\\s\\S]'
    else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  re = new RegExp(`^${src}$`, ignoreCase ? 'iu' : 'u')
  if (patterns.size > 1000) patterns.clear()
  patterns.set(cacheKey, re)
  return re
}

/** Whether a stored row satisfies a checked where clause. */
export function matches(row: Record<string, unknown>, cond: Condition): boolean {
  switch (cond.kind) {
    case 'and':
      return cond.items.every((c) => matches(row, c))
    case 'or':
      return cond.items.some((c) => matches(row, c))
    case 'null': {
      const v = row[cond.property.name]
      return (v === null || v === undefined) !== cond.isNegated
    }
  }
  const v = row[cond.property.name]
  if (v === null || v === undefined) return false
  switch (cond.kind) {
    case 'compare':
      switch (cond.op) {
        case 'eq':
          return isEqual(v, cond.value)
        case 'neq':
          return !isEqual(v, cond.value)
        case 'gt':
          return compareValues(v, cond.value) > 0
        case 'gte':
          return compareValues(v, cond.value) >= 0
        case 'lt':
          return compareValues(v, cond.value) < 0
        case 'lte':
          return compareValues(v, cond.value) <= 0
      }
      break
    case 'in': {
      const found = cond.values.some((x) => x !== null && x !== undefined && isEqual(v, x))
      return cond.isNegated ? !found && !cond.values.some((x) => x === null) : found
    }
    case 'between':
      return compareValues(v, cond.low) >= 0 && compareValues(v, cond.high) <= 0
    case 'match': {
      const re = likeRegExp(cond.pattern, cond.op === 'ilike' || cond.op === 'nilike')
      const isMatch = re.test(String(v))
      return cond.op === 'like' || cond.op === 'ilike' ? isMatch : !isMatch
    }
  }
  return false
}

/** Sorts rows by the order clause; NULLs first on ascending order. */
export function sortRows(rows: Record<string, unknown>[], order: OrderBy[]): void {
  if (order.length === 0) return
  rows.sort((a, b) => {
    for (const o of order) {
      const x = a[o.property.name]
      const y = b[o.property.name]
      const xn = x === null || x === undefined
      const yn = y === null || y === undefined
      const c = xn || yn ? (xn === yn ? 0 : xn ? -1 : 1) : compareValues(x, y)
      if (c !== 0) return o.isDescending ? -c : c
    }
    return 0
  })
}
