import type { Change } from '../../schema/changes.js'
import type { Column, ColumnType, ForeignKey, Table } from '../../schema/ir.js'
import { quoteSqliteIdentifier as q } from './quote.js'
import {
  constraintColumns,
  constraintKind,
  constraintName,
  isKeyword,
  joinTokens,
  namesIdentifier,
  parseTableText,
  renameIdentifier,
  renderColumnText,
  significant,
  tokenizeSqlite,
  type ColumnText,
  type TableText,
  type Token,
} from './sql-text.js'
import { renderSqliteDefault, renderSqliteType } from './types.js'

/** How the rebuild renders what it adds: the same clauses CREATE TABLE would write. */
export interface RebuildRenderers {
  column(c: Column): string
  foreignKey(fk: ForeignKey): string
}

/** The new table's CREATE TABLE, and what the copy and the sequence need to know about it. */
export interface RebuiltTableText {
  sql: string
  /** Generated columns: computed by the new table, never copied into it. */
  generated: Set<string>
  /** Whether both tables use AUTOINCREMENT, so the sequence value is carried across. */
  keepsSequence: boolean
}

const tokens = (sql: string) => tokenizeSqlite(sql)
const mentions = (list: Token[], name: string) => list.some((t) => namesIdentifier(t, name))

/**
 * The new table's CREATE TABLE written from the old one's own text (sqlite_schema.sql): the
 * columns and constraints the changes touch are edited, everything else is kept as written
 * (collations, CHECKs, UNIQUE and other table constraints, AUTOINCREMENT, comments, the
 * ownership mark or its absence). Undefined when there is no text to start from.
 */
export function rebuildSqliteTableText(from: Table, to: Table, changes: Change[], temp: string, r: RebuildRenderers): RebuiltTableText | undefined {
  const text = from.sql ? parseTableText(from.sql) : undefined
  if (!text) return undefined
  const hadSequence = hasAutoincrement(text)
  let pkChanged = false
  for (const c of changes) pkChanged = editTableText(text, c, r) || pkChanged
  if (pkChanged) setPrimaryKey(text, to)
  // The name is the head's last significant token (a comment after it, like the ownership mark, stays).
  const head = [...text.head]
  for (let i = head.length - 1; i >= 0; i--) {
    if (head[i]!.kind === 'ident' || head[i]!.kind === 'word') {
      head[i] = { kind: 'ident', text: q(temp) }
      break
    }
  }
  const items = [...text.columns.map((c) => renderColumnText(c, q)), ...text.constraints.map(joinTokens)]
  const sql = `${joinTokens(head).trimEnd()} (\n  ${items.join(',\n  ')}\n)${joinTokens(text.tail)}`
  const generated = new Set(text.columns.filter((c) => c.constraints.some((x) => ['GENERATED', 'AS'].includes(constraintKind(x)))).map((c) => c.name))
  return { sql, generated, keepsSequence: hadSequence && hasAutoincrement(text) }
}

/** Edits the parsed table text for one change; true when the primary key must be written anew. */
function editTableText(text: TableText, c: Change, r: RebuildRenderers): boolean {
  switch (c.kind) {
    case 'rename-column': {
      const rename = (list: Token[]) => renameIdentifier(list, c.from, c.to, q)
      for (const col of text.columns) {
        if (col.name === c.from) col.name = c.to
        col.constraints = col.constraints.map(rename)
      }
      text.constraints = text.constraints.map(rename)
      return false
    }
    case 'add-column':
      text.columns.push(parseColumn(r.column({ ...c.column, isAutoIncrement: false })))
      return !!c.column.isAutoIncrement
    case 'drop-column': {
      const name = c.column.name
      text.columns = text.columns.filter((x) => x.name !== name)
      // A constraint over a dropped column goes with it, as it would with DROP COLUMN elsewhere.
      text.constraints = text.constraints.filter((x) => !mentions(x, name))
      for (const col of text.columns) col.constraints = col.constraints.filter((x) => constraintKind(x) !== 'CHECK' || !mentions(x, name))
      return false
    }
    case 'alter-column':
      return alterColumnText(text, c)
    case 'set-primary-key':
      return true
    case 'add-foreign-key':
      text.constraints.push(tokens(r.foreignKey(c.foreignKey)))
      return false
    case 'drop-foreign-key':
      dropForeignKey(text, c.foreignKey)
      return false
    default:
      return false
  }
}

/** One column's type, NOT NULL and DEFAULT as the change wants them; true when it becomes (or stops being) generated. */
function alterColumnText(text: TableText, c: Extract<Change, { kind: 'alter-column' }>): boolean {
  const col = text.columns.find((x) => x.name.toLowerCase() === c.to.name.toLowerCase())
  if (!col) return false
  if (c.aspects.includes('type')) col.type = tokens(isStrict(text) ? strictType(c.to.type) : renderSqliteType(c.to.type))
  if (c.aspects.includes('nullable')) {
    col.constraints = col.constraints.filter((x) => !['NOT', 'NULL'].includes(constraintKind(x)))
    if (!c.to.isNullable) col.constraints.push(tokens('NOT NULL'))
  }
  if (c.aspects.includes('default')) {
    col.constraints = col.constraints.filter((x) => constraintKind(x) !== 'DEFAULT')
    if (c.to.default) col.constraints.push(tokens(`DEFAULT ${renderSqliteDefault(c.to.default)}`))
  }
  return c.aspects.includes('auto-increment')
}

function parseColumn(sql: string): ColumnText {
  return parseTableText(`CREATE TABLE t (${sql})`)!.columns[0]!
}

function hasAutoincrement(text: TableText): boolean {
  return text.columns.some((c) => c.constraints.some((x) => x.some((t) => isKeyword(t, 'AUTOINCREMENT'))))
}

function isStrict(text: TableText): boolean {
  return text.tail.some((t) => isKeyword(t, 'STRICT'))
}

/** A STRICT table accepts only INT, INTEGER, REAL, TEXT, BLOB and ANY (https://www.sqlite.org/stricttables.html). */
function strictType(type: ColumnType): string {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'boolean':
      return 'INTEGER'
    case 'real':
    case 'double':
      return 'REAL'
    case 'binary':
      return 'BLOB'
    case 'decimal':
    case 'native':
      return 'ANY'
    default:
      return 'TEXT'
  }
}

function dropForeignKey(text: TableText, fk: ForeignKey): void {
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase())
  const byName = text.constraints.findIndex((x) => constraintKind(x) === 'FOREIGN' && constraintName(x) === fk.name)
  const at = byName >= 0 ? byName : text.constraints.findIndex((x) => constraintKind(x) === 'FOREIGN' && same(constraintColumns(x), fk.columns))
  if (at >= 0) {
    text.constraints.splice(at, 1)
    return
  }
  if (fk.columns.length !== 1) return
  const col = text.columns.find((c) => c.name === fk.columns[0])
  if (col) col.constraints = col.constraints.filter((x) => constraintKind(x) !== 'REFERENCES')
}

/** Takes every PRIMARY KEY out and writes the new one: inline when it is an AUTOINCREMENT id. */
function setPrimaryKey(text: TableText, to: Table): void {
  for (const c of text.columns) c.constraints = c.constraints.filter((x) => constraintKind(x) !== 'PRIMARY')
  text.constraints = text.constraints.filter((x) => constraintKind(x) !== 'PRIMARY')
  const pk = to.primaryKey?.columns ?? []
  if (!pk.length) return
  const auto = to.columns.find((c) => c.isAutoIncrement)
  if (pk.length === 1 && auto?.name === pk[0]) {
    const col = text.columns.find((c) => c.name === auto.name)
    if (col) {
      col.constraints.unshift(tokens('PRIMARY KEY AUTOINCREMENT'))
      return
    }
  }
  text.constraints.unshift(tokens(`PRIMARY KEY (${pk.map(q).join(', ')})`))
}

/** A hand-made index's or trigger's text with a renamed column's references renamed. */
export function renameInSql(sql: string, changes: Change[]): string {
  let list = tokenizeSqlite(sql)
  for (const c of changes) if (c.kind === 'rename-column') list = renameIdentifier(list, c.from, c.to, q)
  return joinTokens(list)
}

/** Whether a hand-made index's text names a column the rebuild drops. */
export function mentionsDroppedColumn(sql: string, changes: Change[]): boolean {
  const list = significant(tokenizeSqlite(sql))
  return changes.some((c) => c.kind === 'drop-column' && mentions(list, c.column.name))
}
