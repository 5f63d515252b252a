import type { ColumnDefault, ColumnType } from '../../schema/ir.js'
import { assertSafeTypeName } from '../sql-type-name.js'
import { quoteSqliteLiteral } from './quote.js'

// SQLite keeps a column's declared type as written, so we declare meaningful names and
// read them back; storage follows affinity (https://www.sqlite.org/datatype3.html).
// Every integer is 8 bytes and only `INTEGER` can alias the rowid, so all integers are INTEGER.

/** ISO-8601 UTC with milliseconds, the same text the repositories write for dates. */
export const SQLITE_NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`
/** A random version-4 UUID in canonical text form. */
export const SQLITE_UUID =
  `(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || ` +
  `substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))`

export function parseSqliteType(input: string): ColumnType {
  if (input.trim() === '') return { kind: 'native', sql: '' }
  const sql = assertSafeTypeName(input, 'sqlite').toUpperCase().replace(/\s+/g, ' ')
  let m = /^(?:VARCHAR|CHARACTER VARYING|NVARCHAR|VARYING CHARACTER)\s*\((\d+)\)$/.exec(sql)
  if (m) return { kind: 'varchar', length: Number(m[1]) }
  m = /^(?:CHAR|CHARACTER|NCHAR)\s*\((\d+)\)$/.exec(sql)
  if (m) return { kind: 'char', length: Number(m[1]) }
  m = /^(?:NUMERIC|DECIMAL)\s*\((\d+)(?:\s*,\s*(\d+))?\)$/.exec(sql)
  if (m) return { kind: 'decimal', precision: Number(m[1]), scale: Number(m[2] ?? 0) }
  switch (sql) {
    case 'TEXT':
    case 'CLOB':
    case 'VARCHAR':
      return { kind: 'text' }
    case 'INTEGER':
    case 'INT':
    case 'BIGINT':
    case 'SMALLINT':
    case 'TINYINT':
    case 'MEDIUMINT':
    case 'INT2':
    case 'INT4':
    case 'INT8':
      return { kind: 'integer' }
    case 'REAL':
    case 'FLOAT':
      return { kind: 'real' }
    case 'DOUBLE':
    case 'DOUBLE PRECISION':
      return { kind: 'double' }
    case 'NUMERIC':
    case 'DECIMAL':
      return { kind: 'decimal' }
    case 'BOOLEAN':
    case 'BOOL':
      return { kind: 'boolean' }
    case 'DATE':
      return { kind: 'date' }
    case 'TIME':
      return { kind: 'time' }
    case 'DATETIME':
    case 'TIMESTAMP':
    case 'TIMESTAMPTZ':
      return { kind: 'timestamp', withTimeZone: false }
    case 'JSON':
    case 'JSONB':
      return { kind: 'json', binary: false }
    case 'UUID':
      return { kind: 'uuid' }
    case 'BLOB':
    case 'BYTEA':
      return { kind: 'binary' }
  }
  return { kind: 'native', sql }
}

export function renderSqliteType(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return `VARCHAR(${type.length})`
    case 'char':
      return `CHAR(${type.length})`
    case 'text':
      return 'TEXT'
    case 'smallint':
    case 'integer':
    case 'bigint':
      return 'INTEGER'
    case 'decimal':
      return type.precision !== undefined ? `NUMERIC(${type.precision},${type.scale ?? 0})` : 'NUMERIC'
    case 'real':
      return 'REAL'
    case 'double':
      return 'DOUBLE'
    case 'boolean':
      return 'BOOLEAN'
    case 'date':
      return 'DATE'
    case 'time':
      return 'TIME'
    case 'timestamp':
      return 'DATETIME'
    case 'json':
      return 'JSON'
    case 'uuid':
      return 'UUID'
    case 'binary':
      return 'BLOB'
    case 'native':
      return type.sql === '' ? '' : assertSafeTypeName(type.sql, 'sqlite')
  }
}

// SQLite reports an expression default without its outer parentheses.
const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase().replace(/^\((.*)\)$/, '$1')

export function parseSqliteDefault(input: string): ColumnDefault | undefined {
  const s = input.trim()
  if (/^null$/i.test(s)) return undefined
  const lit = /^'((?:[^']|'')*)'$/.exec(s)
  if (lit) return { kind: 'value', value: lit[1]!.replace(/''/g, "'") }
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return { kind: 'value', value: Number(s) }
  if (/^(true|false)$/i.test(s)) return { kind: 'value', value: s.toLowerCase() === 'true' }
  if (/^current_timestamp$/i.test(s) || norm(s) === norm(SQLITE_NOW)) return { kind: 'now' }
  if (norm(s) === norm(SQLITE_UUID)) return { kind: 'uuid' }
  return { kind: 'sql', sql: s }
}

export function renderSqliteDefault(d: ColumnDefault): string {
  switch (d.kind) {
    case 'value':
      return quoteSqliteLiteral(d.value)
    case 'now':
      return SQLITE_NOW
    case 'uuid':
      return SQLITE_UUID
    case 'sql':
      return d.sql
  }
}
