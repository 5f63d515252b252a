import type { ColumnDefault, ColumnType } from '../../schema/ir.js'
import { assertSafeTypeName } from '../sql-type-name.js'
import { quoteMysqlLiteral } from './quote.js'

// LoopBack's MySQL mapping (loopback-connector-mysql `columnDataType`), read back from
// information_schema.COLUMNS.COLUMN_TYPE of both MySQL 8 (no integer display widths) and
// MariaDB 10.x (`int(11)`, `smallint(6)`): https://dev.mysql.com/doc/refman/8.0/en/data-types.html

const INTEGER_WIDTH = /^(tinyint|smallint|mediumint|int|integer|bigint)\s*(?:\((\d+)\))?((?: unsigned| zerofill)*)$/

/** An ENUM/SET type as the catalog spells it: literal lists are not type names, but they are safe. */
const ENUM_OR_SET = /^(enum|set)\((?:'(?:[^'\\]|''|\\.)*'(?:,(?!\))|(?=\))))+\)$/

/** MySQL type name (COLUMN_TYPE, or a user's `dataType`) → neutral type. */
export function parseMysqlType(input: string): ColumnType {
  const trimmed = input.trim()
  if (ENUM_OR_SET.test(trimmed.replace(/^(ENUM|SET)/i, (m) => m.toLowerCase()))) return { kind: 'native', sql: trimmed }
  const sql = assertSafeTypeName(trimmed, 'mysql').toLowerCase().replace(/\s+/g, ' ')
  let m = INTEGER_WIDTH.exec(sql)
  if (m) {
    const [, base, width, flags] = m
    // TINYINT(1) is MySQL's BOOLEAN (https://dev.mysql.com/doc/refman/8.0/en/numeric-type-syntax.html).
    if (base === 'tinyint' && width === '1' && !flags) return { kind: 'boolean' }
    if (flags) return { kind: 'native', sql: `${base === 'integer' ? 'int' : base}${flags}` }
    if (base === 'smallint') return { kind: 'smallint' }
    if (base === 'int' || base === 'integer') return { kind: 'integer' }
    if (base === 'bigint') return { kind: 'bigint' }
    return { kind: 'native', sql: base! }
  }
  m = /^(?:varchar|character varying|nvarchar|national varchar)\s*\((\d+)\)$/.exec(sql)
  if (m) return { kind: 'varchar', length: Number(m[1]) }
  m = /^(?:char|character|nchar|national char)\s*(?:\((\d+)\))?$/.exec(sql)
  if (m) return { kind: 'char', length: Number(m[1] ?? 1) }
  m = /^(?:decimal|numeric|dec|fixed)\s*(?:\((\d+)(?:\s*,\s*(\d+))?\))?$/.exec(sql)
  // DECIMAL alone is DECIMAL(10,0) (https://dev.mysql.com/doc/refman/8.0/en/fixed-point-types.html).
  if (m) return { kind: 'decimal', precision: Number(m[1] ?? 10), scale: Number(m[2] ?? 0) }
  m = /^float\s*(?:\((\d+)\))?$/.exec(sql)
  if (m) return Number(m[1] ?? 0) > 24 ? { kind: 'double' } : { kind: 'real' }
  m = /^datetime\s*(?:\((\d)\))?$/.exec(sql)
  if (m) return { kind: 'timestamp', withTimeZone: false, precision: Number(m[1] ?? 0) }
  switch (sql) {
    case 'bool':
    case 'boolean':
      return { kind: 'boolean' }
    case 'text':
      return { kind: 'text' }
    case 'double':
    case 'double precision':
    case 'real':
      return { kind: 'double' }
    case 'date':
      return { kind: 'date' }
    case 'time':
      return { kind: 'time' }
    case 'json':
      return { kind: 'json', binary: false }
    case 'uuid':
      return { kind: 'uuid' }
    case 'blob':
      return { kind: 'binary' }
  }
  // TIMESTAMP, LONGTEXT, MEDIUMBLOB, VARBINARY(n), YEAR, …: kept in the catalog's spelling.
  return { kind: 'native', sql: sql.replace(/\s*\(\s*/g, '(').replace(/\s*,\s*/g, ',').replace(/\s*\)/g, ')') }
}

export function renderMysqlType(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return `VARCHAR(${type.length})`
    case 'char':
      return `CHAR(${type.length})`
    case 'text':
      return 'TEXT'
    case 'smallint':
      return 'SMALLINT'
    case 'integer':
      return 'INT'
    case 'bigint':
      return 'BIGINT'
    case 'decimal':
      return type.precision !== undefined ? `DECIMAL(${type.precision},${type.scale ?? 0})` : 'DECIMAL'
    case 'real':
      return 'FLOAT'
    case 'double':
      return 'DOUBLE'
    case 'boolean':
      return 'TINYINT(1)'
    case 'date':
      return 'DATE'
    case 'time':
      return 'TIME'
    case 'timestamp':
      // DATETIME keeps what it is given; TIMESTAMP would shift it by the session time zone
      // and stop at 2038 (https://dev.mysql.com/doc/refman/8.0/en/datetime.html).
      return type.precision ? `DATETIME(${type.precision})` : 'DATETIME'
    case 'json':
      // MariaDB makes JSON a LONGTEXT with a json_valid() check; introspection reads it back as json.
      return 'JSON'
    case 'uuid':
      return 'CHAR(36)'
    case 'binary':
      return 'BLOB'
    case 'native':
      return ENUM_OR_SET.test(type.sql) ? type.sql : assertSafeTypeName(type.sql, 'mysql')
  }
}

/** Types that take no literal DEFAULT on MySQL 8, only an expression in parentheses. */
function needsExpressionDefault(type: ColumnType): boolean {
  if (type.kind === 'json' || type.kind === 'text' || type.kind === 'binary') return true
  return type.kind === 'native' && /text|blob|json|geometry/.test(type.sql)
}

/** ISO-8601 timestamps as MySQL's DATETIME literal ('2024-01-02 03:04:05.678'); MariaDB rejects the 'T' and 'Z'. */
function datetimeLiteral(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:Z|[+-]00:?00)?$/.exec(value)
  return m ? `${m[1]} ${m[2]}` : value
}

export function renderMysqlDefault(d: ColumnDefault, type: ColumnType): string {
  switch (d.kind) {
    case 'value': {
      let v = d.value
      if (type.kind === 'timestamp' && typeof v === 'string') v = datetimeLiteral(v)
      const lit = quoteMysqlLiteral(v)
      return needsExpressionDefault(type) ? `(${lit})` : lit
    }
    case 'now':
      // The default's precision must equal the column's (https://dev.mysql.com/doc/refman/8.0/en/timestamp-initialization.html).
      return type.kind === 'timestamp' && type.precision ? `CURRENT_TIMESTAMP(${type.precision})` : 'CURRENT_TIMESTAMP'
    case 'uuid':
      return '(UUID())'
    case 'sql':
      return d.sql
  }
}

export interface DefaultSource {
  /** MariaDB (10.2.7+) reports every default as an expression: strings quoted, NULL as the text `NULL`. */
  isMariadb: boolean
  /** MySQL 8 marks expression defaults with EXTRA = 'DEFAULT_GENERATED'; other defaults are bare values. */
  isExpression?: boolean
}

const NOW = /^(?:current_timestamp|now|localtimestamp|localtime)(?:\(\d?\))?$/i

/** information_schema.COLUMNS.COLUMN_DEFAULT → neutral default (undefined: no default). */
export function parseMysqlDefault(raw: string | null, source: DefaultSource): ColumnDefault | undefined {
  if (raw === null || raw === undefined) return undefined
  if (!source.isMariadb && !source.isExpression) {
    // MySQL 8 reports a literal default unquoted; CURRENT_TIMESTAMP predates DEFAULT_GENERATED.
    if (NOW.test(raw)) return { kind: 'now' }
    return { kind: 'value', value: raw }
  }
  return parseMysqlDefaultExpression(raw)
}

/** A default as an SQL expression (MariaDB's COLUMN_DEFAULT, MySQL 8's DEFAULT_GENERATED ones). */
export function parseMysqlDefaultExpression(raw: string): ColumnDefault | undefined {
  let s = raw.trim()
  if (/^null$/i.test(s)) return undefined
  while (/^\(.*\)$/s.test(s) && balanced(s.slice(1, -1))) s = s.slice(1, -1).trim()
  // MySQL 8 writes string expressions with a charset introducer and escaped quotes: _utf8mb4\'x\'.
  const introduced = /^_[a-z0-9]+\\?'(.*?)\\?'$/s.exec(s)
  if (introduced) return { kind: 'value', value: unescapeMysql(introduced[1]!.replace(/\\'/g, "'")) }
  const lit = /^'((?:[^'\\]|''|\\.)*)'$/s.exec(s)
  if (lit) return { kind: 'value', value: unescapeMysql(lit[1]!) }
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return { kind: 'value', value: Number(s) }
  if (/^(true|false)$/i.test(s)) return { kind: 'value', value: s.toLowerCase() === 'true' }
  if (NOW.test(s)) return { kind: 'now' }
  if (/^uuid\(\)$/i.test(s)) return { kind: 'uuid' }
  return { kind: 'sql', sql: s }
}

const UNESCAPE: Record<string, string> = { '0': '\0', n: '\n', r: '\r', t: '\t', Z: '\x1a', b: '\b' }

function unescapeMysql(s: string): string {
  return s.replace(/''|\\(.)/gs, (m, c: string | undefined) => (m === "''" ? "'" : UNESCAPE[c!] ?? c!))
}

function balanced(s: string): boolean {
  let depth = 0
  for (const ch of s) {
    if (ch === '(') depth++
    else if (ch === ')' && --depth < 0) return false
  }
  return depth === 0
}
