import { ModelDefinitionError } from '../errors.js'
import type { ColumnDefault, ColumnType } from './ir.js'

const NUMBER = /^ *[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)? *$/
const INTEGER = /^ *[-+]?[0-9]+ *$/
const BOOLEAN = new Set(['true', 'false', '1', '0', 't', 'f'])

/**
 * A literal default the column can't hold is a model error, named before any SQL: a number
 * property with default 'abc' would be written as 0 by one engine and refused by another.
 */
export function assertDefaultFits(type: ColumnType, dflt: ColumnDefault | undefined, where: string): void {
  if (dflt?.kind !== 'value') return
  const v = dflt.value
  const text = String(v)
  const refuse = (what: string) => {
    throw new ModelDefinitionError(`${where}: default ${JSON.stringify(v)} is not ${what}; declare a default the column can hold.`)
  }
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      if (typeof v === 'boolean' || !INTEGER.test(text)) refuse('a whole number')
      break
    case 'decimal':
    case 'real':
    case 'double':
      if (typeof v === 'boolean' || !NUMBER.test(text)) refuse('a number')
      break
    case 'boolean':
      if (typeof v !== 'boolean' && !BOOLEAN.has(text.toLowerCase())) refuse('true or false')
      break
    case 'varchar':
    case 'char':
      if ([...text].length > type.length) refuse(`at most ${type.length} characters long`)
      break
    case 'date':
    case 'timestamp':
      if (typeof v !== 'string' || Number.isNaN(new Date(v).getTime())) refuse('a date')
      break
    default:
      break
  }
}

/** `length`, `precision` and `scale` must be whole numbers ≥ 1 (scale, and a date's precision in fractional digits, ≥ 0) where declared. */
export function assertSizes(def: { length?: unknown; precision?: unknown; scale?: unknown }, where: string, isDate = false): void {
  const check = (name: string, value: unknown, min: number) => {
    if (value === undefined || value === null) return
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
      throw new ModelDefinitionError(`${where}: ${name} ${JSON.stringify(value)} is not a whole number ≥ ${min}. Declare {${name}: ${min === 0 ? 2 : 50}} or leave it out.`)
  }
  check('length', def.length, 1)
  check('precision', def.precision, isDate ? 0 : 1)
  check('scale', def.scale, 0)
}
