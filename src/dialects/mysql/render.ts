import type { Change } from '../../schema/changes.js'
import type { Column, ForeignKey, Index, Table, TableRef } from '../../schema/ir.js'
import type { CombinedStatement, PlannedChange } from '../../schema/plan.js'
import { textCutLength } from '../../schema/types.js'
import type { RenderContext, Statement } from '../dialect.js'
import { foreignKeyClause, indexColumnList } from '../key-clauses.js'
import { mysqlConversionPrelude } from './convert.js'
import { OWNED_COMMENT } from './introspect.js'
import { qualifiedMysqlName as qn, quoteMysqlIdentifier as q, quoteMysqlLiteral } from './quote.js'
import { renderMysqlDefault, renderMysqlType } from './types.js'

const OWNED = quoteMysqlLiteral(OWNED_COMMENT)

/** Table options of every table Shipshape creates. */
export const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci'

/**
 * The online algorithm an ALTER TABLE asks for, best first. The server refuses a request it
 * can't honour (ER_ALTER_OPERATION_NOT_SUPPORTED_REASON) rather than silently copying the
 * table; the connection then retries one step down (see `ALGORITHM_LADDER`).
 * https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html
 * https://mariadb.com/kb/en/innodb-online-ddl-overview/
 */
export type Algorithm = 'instant' | 'inplace' | 'default'

/** The clause each algorithm appends, and the order the fallback walks them. */
export const ALGORITHM_CLAUSE: Record<Algorithm, string> = {
  instant: ', ALGORITHM=INSTANT',
  inplace: ', ALGORITHM=INPLACE, LOCK=NONE',
  default: '',
}
export const ALGORITHM_LADDER: Algorithm[] = ['instant', 'inplace', 'default']

const RANK: Record<Algorithm, number> = { instant: 0, inplace: 1, default: 2 }

/** The weaker of two algorithm requests: what a combined ALTER TABLE may ask for. */
export function weakerAlgorithm(a: Algorithm, b: Algorithm): Algorithm {
  return RANK[a] >= RANK[b] ? a : b
}

/** One ALTER TABLE's worth of a change: its clauses and the best algorithm they allow. */
export interface AlterSpec {
  table: TableRef
  clauses: string[]
  algorithm: Algorithm
}

export function alterSql(spec: AlterSpec): string {
  return `ALTER TABLE ${qn(spec.table)} ${spec.clauses.join(', ')}${ALGORITHM_CLAUSE[spec.algorithm]}`
}

export function renderMysqlColumn(c: Column): string {
  const a = c.attributes
  let sql = `${q(c.name)} ${renderMysqlType(c.type)}`
  if (a) sql += charsetClauses(c)
  if (a?.generated) sql += ` GENERATED ALWAYS AS (${a.generated.expression}) ${a.generated.isStored ? 'STORED' : 'VIRTUAL'}`
  sql += c.isNullable ? ' NULL' : ' NOT NULL'
  if (c.default && !c.isAutoIncrement && !a?.generated) sql += ` DEFAULT ${renderMysqlDefault(c.default, c.type)}`
  if (a?.onUpdate && c.type.kind === 'timestamp') sql += ` ON UPDATE ${onUpdateAt(a.onUpdate, c.type.precision)}`
  if (c.isAutoIncrement) sql += ' AUTO_INCREMENT'
  if (a?.isInvisible) sql += ' INVISIBLE'
  if (a?.comment) sql += ` COMMENT ${quoteMysqlLiteral(a.comment)}`
  for (const check of a?.checks ?? []) sql += ` CHECK (${check})`
  return sql
}

const TEXT_TYPE = /^(?:(?:tiny|medium|long)?text|(?:var)?char|enum|set)\b/i
const CHARSET_NAME = /^[A-Za-z0-9_]+$/

/** The column's own character set and collation, kept while it stays textual. */
function charsetClauses(c: Column): string {
  const a = c.attributes!
  const isText = c.type.kind === 'varchar' || c.type.kind === 'char' || c.type.kind === 'text' || (c.type.kind === 'native' && TEXT_TYPE.test(c.type.sql))
  if (!isText) return ''
  let sql = ''
  for (const [word, name] of [['CHARACTER SET', a.charset], ['COLLATE', a.collation]] as const) {
    if (!name) continue
    if (!CHARSET_NAME.test(name)) throw new Error(`Column "${c.name}": unexpected ${word.toLowerCase()} name ${JSON.stringify(name)} in the catalog`)
    sql += ` ${word} ${name}`
  }
  return sql
}

/** `current_timestamp(3)` at the column's new precision: MySQL wants one precision throughout a column. */
function onUpdateAt(expression: string, precision: number | undefined): string {
  if (!/^current_timestamp(\(\d*\))?$/i.test(expression)) throw new Error(`Unexpected ON UPDATE expression ${JSON.stringify(expression)} in the catalog`)
  return precision === undefined ? expression : `current_timestamp(${precision})`
}

function indexClause(index: Index): string {
  return `ADD ${index.isUnique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} (${indexColumnList(index, q)}) COMMENT ${OWNED}`
}

function foreignKeyClauses(table: TableRef, fk: ForeignKey, keepsIndex = false): string[] {
  const ref = { schema: fk.references.schema ?? table.schema, name: fk.references.table }
  return [
    // The key's own backing index, marked: it is what makes the key Shipshape's (see introspect.ts).
    // A key put back after a type change finds its index where it was left.
    ...(keepsIndex ? [] : [`ADD INDEX ${q(fk.name)} (${fk.columns.map(q).join(', ')}) COMMENT ${OWNED}`]),
    // Actions spelled out: InnoDB reports an omitted action as RESTRICT on MariaDB, NO ACTION on MySQL.
    `ADD ${foreignKeyClause(fk, q, qn(ref), true)}`,
  ]
}

function dropForeignKeyClauses(fk: ForeignKey, keepsIndex = false): string[] {
  // Dropping a key leaves its index behind (https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html#foreign-key-dropping).
  // A key read from the catalog names its index; one of the models (a down migration undoing its
  // addition) has the index Shipshape made beside it, under the key's name.
  const index = fk.backingIndex ?? (fk.isOwned ? fk.name : undefined)
  return [`DROP FOREIGN KEY ${q(fk.name)}`, ...(index && !keepsIndex ? [`DROP INDEX ${q(index)}`] : [])]
}

function createTable(t: Table): string {
  const parts = t.columns.map(renderMysqlColumn)
  if (t.primaryKey?.columns.length) parts.push(`PRIMARY KEY (${t.primaryKey.columns.map(q).join(', ')})`)
  for (const ix of t.indexes) parts.push(indexClause(ix).replace(/^ADD /, ''))
  return `CREATE TABLE ${qn(t)} (\n  ${parts.join(',\n  ')}\n) ${TABLE_OPTIONS}`
}

function alterColumnSpec(table: TableRef, from: Column, to: Column, aspects: AlterColumnAspects): AlterSpec {
  if (aspects.every((a) => a === 'default')) {
    const clause = to.default
      ? `ALTER COLUMN ${q(to.name)} SET DEFAULT ${renderMysqlDefault(to.default, to.type)}`
      : `ALTER COLUMN ${q(to.name)} DROP DEFAULT`
    return { table, clauses: [clause], algorithm: 'instant' }
  }
  // MODIFY restates the whole column; a type change or NOT NULL usually rebuilds, in place if it can.
  // It forgets whatever it isn't told, so the live column's other attributes are told again.
  const algorithm: Algorithm = aspects.includes('auto-increment') ? 'default' : 'inplace'
  const column = { ...to, ...(from.attributes || to.attributes ? { attributes: to.attributes ?? from.attributes } : {}) }
  return { table, clauses: [`MODIFY COLUMN ${renderMysqlColumn(column)}`], algorithm }
}
type AlterColumnAspects = Extract<Change, { kind: 'alter-column' }>['aspects']

/**
 * The ALTER TABLE form of a change, when it has one (undefined for CREATE/DROP/RENAME TABLE).
 * Several changes to one table can be combined into one statement from these.
 */
export function mysqlAlterSpec(change: Change): AlterSpec | undefined {
  switch (change.kind) {
    case 'add-column':
      return { table: change.table, clauses: [`ADD COLUMN ${renderMysqlColumn(change.column)}`], algorithm: change.column.isAutoIncrement ? 'default' : 'instant' }
    case 'drop-column':
      return { table: change.table, clauses: [`DROP COLUMN ${q(change.column.name)}`], algorithm: 'instant' }
    case 'rename-column':
      return { table: change.table, clauses: [`RENAME COLUMN ${q(change.from)} TO ${q(change.to)}`], algorithm: 'instant' }
    case 'alter-column':
      return alterColumnSpec(change.table, change.from, change.to, change.aspects)
    case 'set-primary-key': {
      const clauses: string[] = []
      if (change.from) clauses.push('DROP PRIMARY KEY')
      if (change.to?.columns.length) clauses.push(`ADD PRIMARY KEY (${change.to.columns.map(q).join(', ')})`)
      return { table: change.table, clauses, algorithm: 'inplace' }
    }
    case 'add-index':
      return { table: change.table, clauses: [indexClause(change.index)], algorithm: 'inplace' }
    case 'drop-index':
      return { table: change.table, clauses: [`DROP INDEX ${q(change.index.name)}`], algorithm: 'inplace' }
    case 'add-foreign-key':
      // Adding a checked foreign key copies the table; no online algorithm to ask for.
      return { table: change.table, clauses: foreignKeyClauses(change.table, change.foreignKey, change.aroundTypeChange), algorithm: 'default' }
    case 'drop-foreign-key':
      return { table: change.table, clauses: dropForeignKeyClauses(change.foreignKey, change.aroundTypeChange), algorithm: 'default' }
    default:
      return undefined
  }
}

const TEXTUAL = new Set(['varchar', 'char', 'text', 'native'])

/**
 * Strict mode makes MODIFY fail on values longer than the new length instead of cutting them
 * (https://dev.mysql.com/doc/refman/8.0/en/sql-mode.html#sql-mode-strict), so an allowed
 * narrowing cuts them first, as PostgreSQL's cast would. Rerun after a failure, it cuts nothing more.
 */
function truncation(change: Extract<Change, { kind: 'alter-column' }>): Statement[] {
  const { from, to } = change
  const n = textCutLength(from.type, to.type)
  if (!change.aspects.includes('type') || !TEXTUAL.has(from.type.kind) || n === undefined) return []
  const col = q(to.name)
  return [{ sql: `UPDATE ${qn(change.table)} SET ${col} = LEFT(${col}, ${n}) WHERE CHAR_LENGTH(${col}) > ${n}` }]
}

/** MySQL/MariaDB statements for one change. Each is one atomic DDL statement. */
export function renderMysql(change: Change, _ctx: RenderContext): Statement[] {
  switch (change.kind) {
    case 'create-schema':
      // A MySQL schema is a database (https://dev.mysql.com/doc/refman/8.0/en/create-database.html).
      return [{ sql: `CREATE SCHEMA IF NOT EXISTS ${q(change.schema)}` }]
    case 'create-table':
      return [{ sql: createTable(change.table) }]
    case 'drop-table':
      return [{ sql: `DROP TABLE ${qn(change.table)}` }]
    case 'rename-table': {
      const old = { schema: change.table.schema, name: change.from }
      return [{ sql: `RENAME TABLE ${qn(old)} TO ${qn(change.table)}` }]
    }
    case 'add-column':
      return [{ sql: alterSql(mysqlAlterSpec(change)!) }]
    case 'rename-column':
      return [{ sql: alterSql(mysqlAlterSpec(change)!) }]
    case 'alter-column':
      return [
        ...truncation(change),
        ...(change.aspects.includes('type')
          ? mysqlConversionPrelude(qn(change.table), q(change.to.name), change.from.type, change.to.type).map((sql) => ({ sql }))
          : []),
        { sql: alterSql(mysqlAlterSpec(change)!) },
      ]
    case 'add-index':
      return [{ sql: alterSql(mysqlAlterSpec(change)!) }]
    case 'drop-index':
      return [{ sql: alterSql(mysqlAlterSpec(change)!) }]
    case 'add-foreign-key':
      return [{ sql: alterSql(mysqlAlterSpec(change)!) }]
    case 'drop-foreign-key':
      return [{ sql: alterSql(mysqlAlterSpec(change)!) }]
    case 'drop-column':
    case 'set-primary-key':
      return [{ sql: alterSql(mysqlAlterSpec(change)!) }]
    case 'rebuild-table':
      throw new Error('MySQL alters tables in place; a rebuild is never planned for it')
    default: {
      const never: never = change
      throw new Error(`Unknown change ${JSON.stringify(never)}`)
    }
  }
}

/** Changes whose ALTER TABLE clauses can share one statement. */
const COMBINABLE = new Set<Change['kind']>(['add-column', 'drop-column', 'alter-column', 'set-primary-key', 'add-index', 'drop-index'])

/**
 * One statement per table where MySQL allows it: a new table's indexes go inside its CREATE
 * TABLE, and the column and index changes to an existing table become one ALTER TABLE, asking
 * for the weakest algorithm among them. One statement is one table rebuild at most. Where the
 * statement runs is the plan's to say (see `combineStatements` in schema/plan.ts).
 */
export function combineMysqlTableChanges(changes: PlannedChange[], isNewTable: boolean): CombinedStatement | undefined {
  const carries: number[] = []
  if (isNewTable) {
    const create = changes[0]!.change as Extract<Change, { kind: 'create-table' }>
    const indexes: Index[] = []
    changes.forEach((p, i) => {
      if (p.change.kind === 'add-index' && p.change.isNewTable) indexes.push(p.change.index)
      if (i === 0 || (p.change.kind === 'add-index' && p.change.isNewTable)) carries.push(i)
    })
    if (indexes.length === 0) return undefined
    return { carries, statement: { sql: createTable({ ...create.table, indexes: [...create.table.indexes, ...indexes] }) } }
  }
  changes.forEach((p, i) => {
    if (COMBINABLE.has(p.change.kind) && p.statements.length === 1) carries.push(i)
  })
  if (carries.length < 2) return undefined
  const specs = carries.map((i) => mysqlAlterSpec(changes[i]!.change)!)
  return {
    carries,
    statement: {
      sql: alterSql({
        table: specs[0]!.table,
        clauses: specs.flatMap((s) => s.clauses),
        algorithm: specs.map((s) => s.algorithm).reduce(weakerAlgorithm),
      }),
    },
  }
}
