import type { Column, ColumnDefault, ColumnType, Database, ForeignKey, ReferentialAction, Table } from './ir.js'

/** The part of a dialect normalisation needs: its own type names, both ways. */
export interface TypeSystem {
  parseType(sql: string): ColumnType
  renderType(type: ColumnType): string
  readonly capabilities?: { treatsRestrictAsNoAction?: boolean }
}

/**
 * Canonical forms, so equal things compare equal: a type becomes what the engine would
 * report for it (rendered, then parsed back), a default is coerced to the column's type.
 */
export function normalizeDatabase(db: Database, types: TypeSystem): Database {
  return { ...db, tables: db.tables.map((t) => normalizeTable(t, types)) }
}

export function normalizeTable(table: Table, types: TypeSystem): Table {
  const out = { ...table, columns: table.columns.map((c) => normalizeColumn(c, types)) }
  if (types.capabilities?.treatsRestrictAsNoAction) out.foreignKeys = table.foreignKeys.map(noActionForRestrict)
  return out
}

/** InnoDB checks NO ACTION immediately, as RESTRICT, and reports an unspecified action as RESTRICT. */
function noActionForRestrict(fk: ForeignKey): ForeignKey {
  const same = (a: ReferentialAction): ReferentialAction => (a === 'restrict' ? 'no action' : a)
  return fk.onDelete === 'restrict' || fk.onUpdate === 'restrict' ? { ...fk, onDelete: same(fk.onDelete), onUpdate: same(fk.onUpdate) } : fk
}

export function normalizeColumn(column: Column, types: TypeSystem): Column {
  const type = types.parseType(types.renderType(column.type))
  const out: Column = { ...column, type }
  if (column.alsoAccepts) out.alsoAccepts = column.alsoAccepts.map((t) => types.parseType(types.renderType(t)))
  if (column.default) out.default = normalizeDefault(column.default, type)
  else delete out.default
  return out
}

const NUMERIC = new Set(['smallint', 'integer', 'bigint', 'decimal', 'real', 'double'])

export function normalizeDefault(d: ColumnDefault, type: ColumnType): ColumnDefault {
  if (d.kind !== 'value') return d
  const v = d.value
  if (type.kind === 'boolean') {
    const s = String(v).toLowerCase()
    if (['1', 'true', 't', 'yes', 'y', 'on'].includes(s)) return { kind: 'value', value: true }
    if (['0', 'false', 'f', 'no', 'n', 'off'].includes(s)) return { kind: 'value', value: false }
    return d
  }
  if (NUMERIC.has(type.kind)) {
    const n = typeof v === 'number' ? v : Number(v)
    return Number.isFinite(n) && String(v).trim() !== '' ? { kind: 'value', value: n } : d
  }
  if ((type.kind === 'timestamp' || type.kind === 'date') && typeof v === 'string') {
    // Engines print timestamps their own way ('2020-01-02 03:04:05.678+00'); an instant with
    // a zone compares as ISO-8601 UTC.
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(v.trim())
    if (m) {
      const zone = m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]!.length === 3 ? `${m[3]}:00` : m[3]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
      const d = new Date(`${m[1]}T${m[2]}${zone}`)
      if (!Number.isNaN(d.getTime())) return { kind: 'value', value: d.toISOString() }
    }
    return { kind: 'value', value: v }
  }
  if (type.kind === 'json' && typeof v === 'string') {
    try {
      return { ...d, value: JSON.stringify(JSON.parse(v)) }
    } catch {
      return d
    }
  }
  return { ...d, value: String(v) }
}

export function sameType(a: ColumnType, b: ColumnType): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}

export function sameDefault(a: ColumnDefault | undefined, b: ColumnDefault | undefined): boolean {
  if (!a || !b) return !a && !b
  if (a.kind !== b.kind) return false
  if (a.kind === 'value' && b.kind === 'value') return a.value === b.value || masks(a, b) || masks(b, a)
  if (a.kind === 'sql' && b.kind === 'sql') return a.sql.replace(/\s+/g, ' ').toLowerCase() === b.sql.replace(/\s+/g, ' ').toLowerCase()
  return true
}

/** A catalog default that can't show supplementary characters matches a value that has them where it shows '?'. */
function masks(masked: { value: unknown; masksSupplementaryChars?: boolean }, value: { value: unknown }): boolean {
  return !!masked.masksSupplementaryChars && typeof value.value === 'string' && value.value.replace(/[\u{10000}-\u{10FFFF}]/gu, '?') === masked.value
}

function sortKeys(o: object): object {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  )
}
