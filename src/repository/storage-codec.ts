import type { Dialect, ValueConverter } from '../dialects/dialect.js'
import type { Column, ColumnType } from '../schema/ir.js'
import type { LoopbackConventions } from '../schema/loopback.js'
import type { PropertyMeta } from './model-meta.js'

// A property's values are stored in one representation, chosen by the property's type and its
// column's, whichever tool wrote them: LoopBack keeps JSON in text columns on every back end, and
// SQLite dates as epoch milliseconds and booleans as 0/1 in INTEGER columns. Values are encoded
// the same way for writes and for filters, so comparisons see one representation.

const TEXT_KINDS = new Set<ColumnType['kind']>(['text', 'varchar', 'char'])
const NUMBER_KINDS = new Set<ColumnType['kind']>(['smallint', 'integer', 'bigint', 'real', 'double', 'decimal'])

const isTextColumn = (t: ColumnType) => TEXT_KINDS.has(t.kind) || (t.kind === 'native' && /text|char|clob/i.test(t.sql))

const encodeJsonText: ValueConverter = (v) => JSON.stringify(v)
const decodeJsonText: ValueConverter = (v) => {
  const text = Buffer.isBuffer(v) ? v.toString('utf8') : v
  if (typeof text !== 'string') return text
  try {
    return JSON.parse(text)
  } catch {
    // Text another writer stored as it is (not JSON): the string itself.
    return text
  }
}

// loopback-connector-sqlite3 stores JSON encoded twice (the SQL connector stringifies the value, then
// its toColumnValue the text again) and the juggler parses twice: so do these, for one representation.
const encodeJsonTwice: ValueConverter = (v) => JSON.stringify(JSON.stringify(v))
const decodeJsonTwice: ValueConverter = (v) => {
  const once = decodeJsonText(v)
  return typeof once === 'string' ? decodeJsonText(once) : once
}

const encodeEpochMs: ValueConverter = (v) => {
  if (v instanceof Date) return v.getTime()
  if (typeof v === 'number') return v
  const ms = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : Date.parse(String(v))
  return Number.isNaN(ms) ? v : ms
}
const decodeEpochMs: ValueConverter = (v) => {
  if (v instanceof Date) return v
  if (typeof v === 'number' || typeof v === 'bigint') return new Date(Number(v))
  const s = String(v)
  return new Date(/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s)
}

const encodeFlag: ValueConverter = (v) => (v ? 1 : 0)
const decodeFlag: ValueConverter = (v) => v !== 0 && v !== '0' && v !== false && v !== 0n && v !== 'false' && v !== 'f'

/**
 * The converters a repository uses for one property's column: what the property's JS type and the
 * column's type together need, else the dialect's own (`dialect.dml.values`). `conventions` are those of
 * LoopBack's connector when its tables are adopted (`naming: 'loopback'`).
 * @example
 *   storageConverters(datePropertyOnSqliteInteger, column, sqliteDialect) // epoch ms both ways
 */
export function storageConverters(
  property: PropertyMeta,
  column: Column,
  dialect: Dialect,
  conventions?: LoopbackConventions,
): { encode?: ValueConverter; decode?: ValueConverter } {
  const t = column.type
  switch (property.type) {
    case 'object':
    case 'array':
    case 'any':
      if (isTextColumn(t))
        return conventions?.encodesJsonTwice ? { encode: encodeJsonTwice, decode: decodeJsonTwice } : { encode: encodeJsonText, decode: decodeJsonText }
      break
    case 'date':
      if (NUMBER_KINDS.has(t.kind)) return { encode: encodeEpochMs, decode: decodeEpochMs }
      break
    case 'boolean':
      if (NUMBER_KINDS.has(t.kind)) return { encode: encodeFlag, decode: decodeFlag }
      break
  }
  return { encode: dialect.dml.values.encoder(column), decode: dialect.dml.values.decoder(column) }
}
