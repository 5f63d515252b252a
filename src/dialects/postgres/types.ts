import type { ColumnDefault, ColumnType } from '../../schema/ir.js'
import { assertSafeTypeName } from '../sql-type-name.js'
import { quotePostgresLiteral } from './quote.js'

const SIMPLE: Record<string, ColumnType> = {
  text: { kind: 'text' },
  smallint: { kind: 'smallint' },
  int2: { kind: 'smallint' },
  integer: { kind: 'integer' },
  int: { kind: 'integer' },
  int4: { kind: 'integer' },
  serial: { kind: 'integer' },
  bigint: { kind: 'bigint' },
  int8: { kind: 'bigint' },
  bigserial: { kind: 'bigint' },
  real: { kind: 'real' },
  float4: { kind: 'real' },
  'double precision': { kind: 'double' },
  float8: { kind: 'double' },
  float: { kind: 'double' },
  double: { kind: 'double' },
  boolean: { kind: 'boolean' },
  bool: { kind: 'boolean' },
  date: { kind: 'date' },
  time: { kind: 'time' },
  'time without time zone': { kind: 'time' },
  json: { kind: 'json', binary: false },
  jsonb: { kind: 'json', binary: true },
  uuid: { kind: 'uuid' },
  bytea: { kind: 'binary' },
  numeric: { kind: 'decimal' },
  decimal: { kind: 'decimal' },
}

/** PostgreSQL type name (format_type() output or a user's dataType) → neutral type. */
export function parsePostgresType(input: string): ColumnType {
  const sql = assertSafeTypeName(input, 'postgres').toLowerCase().replace(/\s+/g, ' ')
  if (SIMPLE[sql]) return SIMPLE[sql]!
  let m = /^(?:character varying|varchar)\s*\((\d+)\)$/.exec(sql)
  if (m) return { kind: 'varchar', length: Number(m[1]) }
  m = /^(?:character|char|bpchar)\s*\((\d+)\)$/.exec(sql)
  if (m) return { kind: 'char', length: Number(m[1]) }
  if (sql === 'character' || sql === 'char' || sql === 'bpchar') return { kind: 'char', length: 1 }
  m = /^(?:numeric|decimal)\s*\((\d+)(?:\s*,\s*(\d+))?\)$/.exec(sql)
  if (m) return { kind: 'decimal', precision: Number(m[1]), scale: Number(m[2] ?? 0) }
  m = /^(?:timestamp|timestamptz)(?:\s*\((\d)\))?(?: (with|without) time zone)?$/.exec(sql)
  if (m) {
    const withTimeZone = sql.startsWith('timestamptz') || m[2] === 'with'
    return { kind: 'timestamp', withTimeZone, ...(m[1] !== undefined ? { precision: Number(m[1]) } : {}) }
  }
  if (sql === 'character varying' || sql === 'varchar') return { kind: 'native', sql: 'character varying' }
  return { kind: 'native', sql }
}

export function renderPostgresType(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return `varchar(${type.length})`
    case 'char':
      return `char(${type.length})`
    case 'text':
      return 'text'
    case 'smallint':
      return 'smallint'
    case 'integer':
      return 'integer'
    case 'bigint':
      return 'bigint'
    case 'decimal':
      return type.precision !== undefined ? `numeric(${type.precision},${type.scale ?? 0})` : 'numeric'
    case 'real':
      return 'real'
    case 'double':
      return 'double precision'
    case 'boolean':
      return 'boolean'
    case 'date':
      return 'date'
    case 'time':
      return 'time'
    case 'timestamp':
      return `timestamp${type.precision !== undefined ? `(${type.precision})` : ''} ${type.withTimeZone ? 'with' : 'without'} time zone`
    case 'json':
      return type.binary ? 'jsonb' : 'json'
    case 'uuid':
      return 'uuid'
    case 'binary':
      return 'bytea'
    case 'native':
      return assertSafeTypeName(type.sql, 'postgres')
  }
}

/** Catalog default expression (pg_get_expr) → neutral default. */
export function parsePostgresDefault(expr: string): ColumnDefault {
  let s = expr.trim()
  while (/^\(.*\)$/.test(s) && balanced(s.slice(1, -1))) s = s.slice(1, -1).trim()
  const lit = /^'((?:[^']|'')*)'(?:::[a-z ]+(?:\(\d+(?:,\d+)?\))?(?:\[\])?)*$/i.exec(s)
  if (lit) return { kind: 'value', value: lit[1]!.replace(/''/g, "'") }
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?(::[a-z ]+)?$/.test(s)) return { kind: 'value', value: Number(s.replace(/::.*$/, '')) }
  if (/^(true|false)$/i.test(s)) return { kind: 'value', value: s.toLowerCase() === 'true' }
  if (/^(now\(\)|current_timestamp|transaction_timestamp\(\)|localtimestamp)(::[a-z ]+)?$/i.test(s)) return { kind: 'now' }
  if (/^(gen_random_uuid|uuid_generate_v4)\(\)$/i.test(s)) return { kind: 'uuid' }
  return { kind: 'sql', sql: s }
}

function balanced(s: string): boolean {
  let depth = 0
  for (const ch of s) {
    if (ch === '(') depth++
    else if (ch === ')' && --depth < 0) return false
  }
  return depth === 0
}

export function renderPostgresDefault(d: ColumnDefault, type: ColumnType): string {
  switch (d.kind) {
    case 'value':
      if (type.kind === 'json' && typeof d.value === 'string') return `${quotePostgresLiteral(d.value)}::${renderPostgresType(type)}`
      return quotePostgresLiteral(d.value)
    case 'now':
      return 'CURRENT_TIMESTAMP'
    case 'uuid':
      return 'gen_random_uuid()'
    case 'sql':
      return d.sql
  }
}
