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
  /** Merges rendered statements where the engine does several changes in one (MySQL's ALTER TABLE). */
  combineStatements?(changes: PlannedChange[]): PlannedChange[]
}

// Ordering lives here and nowhere else.
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
  return { dialect: target.name, mode, changes: target.combineStatements ? target.combineStatements(planned) : planned, drift }
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
  const rebuilt = new Set<string>()
  const created = new Set(changes.filter((c) => c.kind === 'create-table').map((c) => tableKey(changeTable(c))))
  for (const c of changes) {
    const key = tableKey(changeTable(c))
    if (created.has(key) || c.kind === 'create-schema' || c.kind === 'create-table' || c.kind === 'drop-table' || c.kind === 'rename-table')
      continue
    if (!target.canAlter!(c, { current })) rebuilt.add(key)
  }
  if (rebuilt.size === 0) return changes
  const renames = changes.filter((c) => c.kind === 'rename-table')
  const afterRenames = applyChanges(current, renames)
  const out: Change[] = []
  const emitted = new Set<string>()
  for (const c of changes) {
    const key = tableKey(changeTable(c))
    if (!rebuilt.has(key) || c.kind === 'create-schema' || c.kind === 'rename-table' || c.kind === 'drop-table') {
      out.push(c)
      continue
    }
    if (emitted.has(key)) continue
    emitted.add(key)
    const own = changes.filter((x) => x.kind !== 'rename-table' && tableKey(changeTable(x)) === key)
    const from = findTable(afterRenames, changeTable(c))!
    const to = findTable(applyChanges({ tables: [from] }, own), from)!
    out.push({ kind: 'rebuild-table', from, to, changes: own })
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

export function assessChange(change: Change): { risk: Risk; reasons: string[]; destructive: string[] } {
  const reasons: Array<[Risk, string]> = []
  const where = describeLocation
  switch (change.kind) {
    case 'drop-table':
      reasons.push(['destructive', `drops table "${tableKey(change.table)}" and every row in it`])
      break
    case 'drop-column':
      reasons.push([
        'destructive',
        `${where(change.table, change.column.name, change.model)}: dropping the column loses its data` +
          (change.renameCandidate
            ? `; if property "${change.renameCandidate}" is this column renamed, declare {renamedFrom: '${change.column.name}'} on it to keep the data`
            : ''),
      ])
      break
    case 'add-column':
      if (!change.column.isNullable && !change.column.default && !change.column.isAutoIncrement)
        reasons.push([
          'scan',
          `${where(change.table, change.column.name, change.model, change.column.property)}: a required column ` +
            `without a default fails if the table has rows; declare a default`,
        ])
      break
    case 'alter-column': {
      const w = where(change.table, change.to.name, change.model, change.to.property)
      if (change.aspects.includes('type')) {
        if (isWideningType(change.from.type, change.to.type))
          reasons.push(['rewrite', `${w}: widens ${describeType(change.from.type)} to ${describeType(change.to.type)}`])
        else
          reasons.push([
            'destructive',
            `${w}: converting ${describeType(change.from.type)} to ${describeType(change.to.type)} can fail or cut values`,
          ])
      }
      if (change.aspects.includes('nullable') && !change.to.isNullable)
        reasons.push(['scan', `${w}: becomes NOT NULL; fails if any row holds NULL`])
      if (change.aspects.includes('auto-increment'))
        reasons.push(['rewrite', `${w}: ${change.to.isAutoIncrement ? 'becomes' : 'stops being'} generated by the database`])
      break
    }
    case 'set-primary-key':
      reasons.push([
        'scan',
        `${where(change.table, undefined, change.model)}: primary key becomes (${change.to?.columns.join(', ') ?? 'none'}); ` +
          `fails on duplicate or NULL values`,
      ])
      break
    case 'add-index':
      if (!change.isNewTable && !change.adoptFrom)
        reasons.push([
          'scan',
          `${where(change.table, undefined, change.model)}: builds index "${change.index.name}" over existing rows` +
            (change.index.isUnique ? '; fails on duplicates' : ''),
        ])
      break
    case 'add-foreign-key':
      if (!change.isNewTable)
        reasons.push([
          'scan',
          `${where(change.table, undefined, change.model)}: checks existing rows against foreign key "${change.foreignKey.name}"`,
        ])
      break
    case 'rebuild-table': {
      reasons.push(['rewrite', `table "${tableKey(change.to)}" is rebuilt: the engine can't ALTER this in place; rows are copied`])
      for (const inner of change.changes) {
        const a = assessChange(inner)
        for (const r of a.reasons) reasons.push([a.destructive.includes(r) ? 'destructive' : a.risk === 'destructive' ? 'rewrite' : a.risk, r])
      }
      break
    }
    case 'create-schema':
    case 'create-table':
    case 'rename-table':
    case 'rename-column':
    case 'drop-index':
    case 'drop-foreign-key':
      break
    default: {
      const never: never = change
      throw new Error(`unknown change ${JSON.stringify(never)}`)
    }
  }
  const risk = reasons.reduce<Risk>((worst, [r]) => (SEVERITY[r] > SEVERITY[worst] ? r : worst), 'safe')
  return {
    risk,
    reasons: reasons.map(([, r]) => r),
    destructive: reasons.filter(([r]) => r === 'destructive').map(([, r]) => r),
  }
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
