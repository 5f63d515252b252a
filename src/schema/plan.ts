import type { Change } from './changes.js'
import { changeTable } from './changes.js'
import type { Drift } from './diff.js'
import type { AdoptionFinding } from './adoption.js'
import type { Database, TableRef } from './ir.js'
import { findTable, tableKey } from './ir.js'
import { applyChangeInPlace, applyChanges } from './apply.js'
import { unpinForeignKeys } from './pinned-foreign-keys.js'
import { describeType, isWideningType } from './types.js'
import type { DataCheckResult } from './data-checks.js'

/** How much a change can hurt, least to most. */
export type Risk = 'safe' | 'scan' | 'rewrite' | 'destructive'
const SEVERITY: Record<Risk, number> = { safe: 0, scan: 1, rewrite: 2, destructive: 3 }

/** A rendered statement as the plan keeps it (same shape as a dialect's Statement). */
export interface PlanStatement {
  sql: string
  /** What runs instead, in order, while the server refuses the statement before (MySQL's online ALGORITHM). */
  fallbacks?: string[]
  isNonTransactional?: boolean
  /**
   * Shown, not sent: carried out by a combined statement (MySQL: one ALTER TABLE for several
   * changes to a table), which is the last statement of the change at this index of `plan.changes`.
   */
  combinedInto?: number
}

export interface PlannedChange {
  change: Change
  /** The worst risk among `reasons`. */
  risk: Risk
  /** Why the change carries its risk, one line each. */
  reasons: string[]
  /** The reasons that make it destructive (empty unless risk is 'destructive'). */
  destructive: string[]
  /** What the data checks found in the rows already there (counts of rows that would fail or be cut). */
  findings?: DataCheckResult[]
  /** One line for humans. */
  summary: string
  statements: PlanStatement[]
}

/** A plain, serialisable value: what a run would do (or did), and what it left alone. */
export interface Plan {
  dialect: string
  mode: 'automigrate' | 'autoupdate'
  changes: PlannedChange[]
  drift: Drift[]
  /**
   * Adopting a database LoopBack created (`naming: 'loopback'`): LoopBack's defects, listed and left
   * out of `changes` unless `adopt: 'fix'` put them in.
   */
  adoption?: AdoptionFinding[]
  /** Set when executing split the plan into several transactions (a plan larger than the server's lock budget), and why. */
  split?: { transactions: number; reason: string }
}

/** What planning needs of a dialect (a Dialect satisfies it). */
export interface PlanTarget {
  readonly name: string
  readonly capabilities: { supportsAlterConstraints: boolean; pinsForeignKeyColumnTypes?: boolean }
  render(change: Change, ctx: { current: Database; online?: boolean }): PlanStatement[]
  /** False when the engine must rebuild the table to make this change (SQLite). */
  canAlter?(change: Change, ctx: { current: Database }): boolean
  /**
   * One statement carrying several of one table's changes, where the engine does them in one
   * (MySQL's ALTER TABLE), and which of `changes` it carries (at least two, or undefined).
   * `changes` are the table's planned changes in plan order; for a new table the first creates it.
   */
  combineTableChanges?(changes: PlannedChange[], isNewTable: boolean): CombinedStatement | undefined
}

/** What a dialect's `combineTableChanges` returns: the statement, and the positions in its input it carries. */
export interface CombinedStatement {
  statement: PlanStatement
  carries: number[]
}

// Ordering lives here and nowhere else: the phases below, table rebuilds, where a combined
// statement runs (combineStatements) and where statements outside a transaction go (statementsToRun).
const PHASE: Record<Change['kind'], number> = {
  'create-schema': -1,
  'drop-foreign-key': 0,
  'drop-index': 1,
  'drop-table': 2,
  'rename-table': 3,
  'create-table': 4,
  'rename-column': 5,
  'add-column': 6,
  // Before column changes: a column leaving the key can't lose NOT NULL while the old key holds
  // it, and the new key makes its own columns NOT NULL.
  'set-primary-key': 6.5,
  'alter-column': 7,
  'rebuild-table': 9,
  'drop-column': 10,
  'add-index': 11,
  'add-foreign-key': 12,
}

/**
 * Orders changes, folds those the engine can't ALTER into table rebuilds, marks every
 * change with its risk and renders its SQL.
 */
export function buildPlan(
  changes: Change[],
  target: PlanTarget,
  current: Database,
  mode: Plan['mode'],
  drift: Drift[] = [],
  options: { online?: boolean } = {},
): Plan {
  if (target.capabilities.pinsForeignKeyColumnTypes) changes = unpinForeignKeys(changes, current)
  let ordered = orderChanges(changes, current)
  if (!target.capabilities.supportsAlterConstraints) ordered = inlineNewForeignKeys(ordered)
  if (target.canAlter) ordered = foldRebuilds(ordered, target, current)
  const planned: PlannedChange[] = []
  // Rendering sees the schema as the earlier changes left it; a rebuild needs the table's current shape.
  const state: Database = structuredClone(current)
  for (const change of ordered) {
    const { risk, reasons, destructive } = assessChange(change)
    const statements = target.render(change, { current: state, online: options.online })
    planned.push({ change, risk, reasons, destructive, summary: summarize(change), statements })
    applyChangeInPlace(state, change)
  }
  return { dialect: target.name, mode, changes: target.combineTableChanges ? combineStatements(planned, target) : planned, drift }
}

/** A statement a run sends, with the planned change it belongs to. */
export interface PlanStep {
  change: PlannedChange
  statement: PlanStatement
}

/**
 * The statements a run sends, in plan order, leaving out those a combined statement carries
 * (`combinedInto`); and the same split in two: those a transaction can hold, then those it can't
 * (CREATE INDEX CONCURRENTLY), which run after the rest where DDL is transactional.
 */
export function statementsToRun(changes: readonly PlannedChange[]): { all: PlanStep[]; inTransaction: PlanStep[]; outside: PlanStep[] } {
  const all = changes.flatMap((change) => change.statements.filter((s) => s.combinedInto === undefined).map((statement) => ({ change, statement })))
  return { all, inTransaction: all.filter((s) => !s.statement.isNonTransactional), outside: all.filter((s) => s.statement.isNonTransactional) }
}

/**
 * A migration's changes in files: those a transaction can hold, then (in a file of their own, so
 * a failed concurrent build leaves the first applied and can simply run again) those it can't.
 */
export function changesByTransaction(changes: readonly PlannedChange[]): PlannedChange[][] {
  const isOutside = (c: PlannedChange) => c.statements.some((s) => s.isNonTransactional)
  return [changes.filter((c) => !isOutside(c)), changes.filter(isOutside)].filter((p) => p.length)
}

/** Every change to one table, by position in a list of changes (Atlas's ModifyTable{T, Changes}). */
export interface TableChanges {
  table: TableRef
  /** Positions in the list, in order. */
  positions: number[]
  /** Position of the change creating the table, when the list creates it. */
  created?: number
  /** Whether the list drops the table or renames it (under either name). */
  isReplaced: boolean
}

/** The changes grouped per table, keyed by `tableKey`: the one grouping that folding and combining share. */
export function changesByTable(changes: readonly Change[]): Map<string, TableChanges> {
  const tables = new Map<string, TableChanges>()
  const groupOf = (table: TableRef) => {
    const key = tableKey(table)
    let g = tables.get(key)
    if (!g) tables.set(key, (g = { table, positions: [], isReplaced: false }))
    return g
  }
  changes.forEach((c, i) => {
    if (c.kind === 'create-schema') return
    const g = groupOf(changeTable(c))
    g.positions.push(i)
    if (c.kind === 'create-table') g.created ??= i
    if (c.kind === 'drop-table' || c.kind === 'rename-table') g.isReplaced = true
    if (c.kind === 'rename-table') groupOf({ schema: c.table.schema, name: c.from }).isReplaced = true
  })
  return tables
}

/**
 * Where the engine does several of a table's changes in one statement (MySQL), the statement
 * runs in place of them: a new table's at its CREATE TABLE, an existing table's where the last
 * change it carries stood, so that what the plan orders around them (foreign keys dropped first,
 * added last, never carried) still holds. One statement is atomic: a rerun after a failure
 * still plans what is left. Each carried change keeps its own statement for reading, marked `combinedInto`.
 */
function combineStatements(planned: PlannedChange[], target: PlanTarget): PlannedChange[] {
  const out = planned.map((p) => ({ ...p, statements: [...p.statements] }))
  for (const g of changesByTable(out.map((p) => p.change)).values()) {
    const isNewTable = g.created !== undefined
    if (g.isReplaced && !isNewTable) continue
    const positions = isNewTable ? g.positions.filter((i) => i >= g.created!) : g.positions
    const combined = target.combineTableChanges!(positions.map((i) => out[i]!), isNewTable)
    if (!combined) continue
    const carried = combined.carries.map((k) => positions[k]!)
    const at = isNewTable ? g.created! : carried[carried.length - 1]!
    for (const i of carried) out[i]!.statements = out[i]!.statements.map((s) => ({ ...s, combinedInto: at }))
    out[at]!.statements.push(combined.statement)
  }
  return out
}

export function orderChanges(changes: Change[], current: Database): Change[] {
  const drops = changes.filter((c) => c.kind === 'drop-table')
  const rest = changes.filter((c) => c.kind !== 'drop-table')
  const sorted = [...rest].sort((a, b) => PHASE[a.kind] - PHASE[b.kind])
  const droppedInOrder = orderDrops(drops as Extract<Change, { kind: 'drop-table' }>[], current)
  const at = sorted.findIndex((c) => PHASE[c.kind] > PHASE['drop-table'])
  const idx = at === -1 ? sorted.length : at
  return [...sorted.slice(0, idx), ...droppedInOrder, ...sorted.slice(idx)]
}

/** Referencing tables go before the tables they reference. */
function orderDrops(drops: Extract<Change, { kind: 'drop-table' }>[], current: Database) {
  const byKey = new Map(drops.map((d) => [tableKey(d.table), d]))
  const out: typeof drops = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (key: string) => {
    if (state.get(key)) return
    state.set(key, 'visiting')
    // Drop every table that references this one first.
    for (const other of byKey.keys()) {
      if (other === key) continue
      const t = findTable(current, byKey.get(other)!.table)
      if (t?.foreignKeys.some((fk) => tableKey({ schema: fk.references.schema ?? t.schema, name: fk.references.table }) === key))
        visit(other)
    }
    state.set(key, 'done')
    out.push(byKey.get(key)!)
  }
  for (const key of byKey.keys()) visit(key)
  return out
}

/** Engines that can't add a foreign key later (SQLite) get them inside CREATE TABLE. */
function inlineNewForeignKeys(changes: Change[]): Change[] {
  const creates = new Map<string, Extract<Change, { kind: 'create-table' }>>()
  for (const c of changes) if (c.kind === 'create-table') creates.set(tableKey(c.table), c)
  const out: Change[] = []
  for (const c of changes) {
    if (c.kind === 'add-foreign-key' && c.isNewTable && creates.has(tableKey(c.table))) {
      const create = creates.get(tableKey(c.table))!
      create.table = { ...create.table, foreignKeys: [...create.table.foreignKeys, c.foreignKey] }
      continue
    }
    out.push(c)
  }
  return out
}

/** Groups every change to a table the engine can't ALTER into one rebuild of that table. */
function foldRebuilds(changes: Change[], target: PlanTarget, current: Database): Change[] {
  const tables = changesByTable(changes)
  const needsRebuild = (c: Change) => c.kind !== 'drop-table' && c.kind !== 'rename-table' && !target.canAlter!(c, { current })
  const rebuilt = new Map<string, Change[]>()
  for (const [key, g] of tables) {
    // A table the plan creates is created in its final shape.
    if (g.created !== undefined || !g.positions.some((i) => needsRebuild(changes[i]!))) continue
    rebuilt.set(key, g.positions.map((i) => changes[i]!).filter((c) => c.kind !== 'rename-table'))
  }
  if (rebuilt.size === 0) return changes
  const afterRenames = applyChanges(current, changes.filter((c) => c.kind === 'rename-table'))
  const out: Change[] = []
  const emitted = new Set<string>()
  for (const c of changes) {
    const key = tableKey(changeTable(c))
    const own = c.kind === 'create-schema' ? undefined : rebuilt.get(key)
    if (!own || c.kind === 'create-schema' || c.kind === 'rename-table' || c.kind === 'drop-table') out.push(c)
    else if (!emitted.has(key)) {
      emitted.add(key)
      // The rebuild stands where the table's first change stood; orderChanges puts it in its phase.
      const from = findTable(afterRenames, changeTable(c))!
      const to = findTable(applyChanges({ tables: [from] }, own), from)!
      out.push({ kind: 'rebuild-table', from, to, changes: own })
    }
  }
  return orderChanges(out, current)
}

/** `model "Todo" property "title" column "public.Todo.title"`: where a change applies, for messages. */
export function describeLocation(t: TableRef, column?: string, model?: string, property?: string): string {
  return [
    model ? `model "${model}"` : '',
    property ? `property "${property}"` : '',
    `${column ? 'column' : 'table'} "${tableKey(t)}${column ? '.' + column : ''}"`,
  ]
    .filter(Boolean)
    .join(' ')
}

type Reason = [Risk, string]

/** The risk of one change and the reasons for it. */
export function assessChange(change: Change): { risk: Risk; reasons: string[]; destructive: string[] } {
  const reasons = reasonsFor(change)
  const risk = reasons.reduce<Risk>((worst, [r]) => (SEVERITY[r] > SEVERITY[worst] ? r : worst), 'safe')
  return {
    risk,
    reasons: reasons.map(([, r]) => r),
    destructive: reasons.filter(([r]) => r === 'destructive').map(([, r]) => r),
  }
}

function reasonsFor(change: Change): Reason[] {
  const where = describeLocation
  switch (change.kind) {
    case 'drop-table':
      return [['destructive', `drops table "${tableKey(change.table)}" and every row in it`]]
    case 'drop-column': {
      const hint = change.renameCandidate
        ? `; if property "${change.renameCandidate}" is this column renamed, declare {renamedFrom: '${change.column.name}'} on it to keep the data`
        : ''
      return [['destructive', `${where(change.table, change.column.name, change.model)}: dropping the column loses its data${hint}`]]
    }
    case 'add-column':
      if (change.column.isNullable || change.column.default || change.column.isAutoIncrement) return []
      return [
        [
          'scan',
          `${where(change.table, change.column.name, change.model, change.column.property)}: a required column ` +
            `without a default fails if the table has rows; declare a default`,
        ],
      ]
    case 'alter-column':
      return alterColumnReasons(change)
    case 'set-primary-key': {
      const key = change.to?.columns.join(', ') ?? 'none'
      return [['scan', `${where(change.table, undefined, change.model)}: primary key becomes (${key}); fails on duplicate or NULL values`]]
    }
    case 'add-index':
      if (change.isNewTable || change.adoptFrom) return []
      return [
        [
          'scan',
          `${where(change.table, undefined, change.model)}: builds index "${change.index.name}" over existing rows` +
            (change.index.isUnique ? '; fails on duplicates' : ''),
        ],
      ]
    case 'add-foreign-key':
      if (change.isNewTable) return []
      return [['scan', `${where(change.table, undefined, change.model)}: checks existing rows against foreign key "${change.foreignKey.name}"`]]
    case 'rebuild-table':
      return rebuildReasons(change)
    case 'create-schema':
    case 'create-table':
    case 'rename-table':
    case 'rename-column':
    case 'drop-index':
    case 'drop-foreign-key':
      return []
    default: {
      const never: never = change
      throw new Error(`unknown change ${JSON.stringify(never)}`)
    }
  }
}

function alterColumnReasons(change: Extract<Change, { kind: 'alter-column' }>): Reason[] {
  const reasons: Reason[] = []
  const w = describeLocation(change.table, change.to.name, change.model, change.to.property)
  if (change.aspects.includes('type')) {
    if (isWideningType(change.from.type, change.to.type))
      reasons.push(['rewrite', `${w}: widens ${describeType(change.from.type)} to ${describeType(change.to.type)}`])
    else
      reasons.push(['destructive', `${w}: converting ${describeType(change.from.type)} to ${describeType(change.to.type)} can fail or cut values`])
  }
  if (change.aspects.includes('nullable') && !change.to.isNullable) reasons.push(['scan', `${w}: becomes NOT NULL; fails if any row holds NULL`])
  if (change.aspects.includes('auto-increment'))
    reasons.push(['rewrite', `${w}: ${change.to.isAutoIncrement ? 'becomes' : 'stops being'} generated by the database`])
  return reasons
}

/** A rebuild rewrites the table; its inner changes keep their reasons (a destructive one stays destructive). */
function rebuildReasons(change: Extract<Change, { kind: 'rebuild-table' }>): Reason[] {
  const reasons: Reason[] = [['rewrite', `table "${tableKey(change.to)}" is rebuilt: the engine can't ALTER this in place; rows are copied`]]
  for (const inner of change.changes) {
    const a = assessChange(inner)
    for (const r of a.reasons) reasons.push([a.destructive.includes(r) ? 'destructive' : a.risk === 'destructive' ? 'rewrite' : a.risk, r])
  }
  return reasons
}

export function summarize(change: Change): string {
  const t = (ref: TableRef) => tableKey(ref)
  switch (change.kind) {
    case 'create-schema':
      return `create schema ${change.schema}`
    case 'create-table':
      return `create table ${t(change.table)} (${change.table.columns.map((c) => c.name).join(', ')})`
    case 'drop-table':
      return `drop table ${t(change.table)}`
    case 'rename-table':
      return `rename table ${change.from} to ${t(change.table)}`
    case 'add-column':
      return `add column ${t(change.table)}.${change.column.name} ${describeType(change.column.type)}${change.column.isNullable ? '' : ' not null'}`
    case 'drop-column':
      return `drop column ${t(change.table)}.${change.column.name}`
    case 'rename-column':
      return `rename column ${t(change.table)}.${change.from} to ${change.to}`
    case 'alter-column':
      return `alter column ${t(change.table)}.${change.to.name}: ${change.aspects
        .map((a) =>
          a === 'type'
            ? `type ${describeType(change.from.type)} → ${describeType(change.to.type)}`
            : a === 'nullable'
              ? change.to.isNullable
                ? 'drop not null'
                : 'set not null'
              : a === 'default'
                ? change.to.default
                  ? 'set default'
                  : 'drop default'
                : 'generated',
        )
        .join(', ')}`
    case 'set-primary-key':
      return `set primary key of ${t(change.table)} to (${change.to?.columns.join(', ') ?? ''})`
    case 'add-index':
      return (
        `add ${change.index.isUnique ? 'unique ' : ''}index ${change.index.name} on ${t(change.table)} (${change.index.columns.map((c) => c.name).join(', ')})` +
        (change.adoptFrom ? ` (finishing the unfinished build ${change.adoptFrom})` : '')
      )
    case 'drop-index':
      return `drop index ${change.index.name} on ${t(change.table)}`
    case 'add-foreign-key':
      return `add foreign key ${change.foreignKey.name} on ${t(change.table)} (${change.foreignKey.columns.join(', ')}) → ${change.foreignKey.references.table}`
    case 'drop-foreign-key':
      return `drop foreign key ${change.foreignKey.name} on ${t(change.table)}`
    case 'rebuild-table':
      return `rebuild table ${t(change.to)}: ${change.changes.map(summarize).join('; ')}`
    default: {
      const never: never = change
      return String(never)
    }
  }
}

/** Destructive changes, each with the reasons that make it so. */
export function destructiveReasons(plan: Plan): string[] {
  return plan.changes.flatMap((c) => c.destructive)
}
