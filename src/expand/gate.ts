import { ShipshapeError } from '../errors.js'
import type { PlanGate } from '../executor/migrator.js'
import { changeTable, type Change } from '../schema/changes.js'
import { conversionOf } from '../schema/conversions.js'
import { findTable, tableKey, type ColumnType, type Database } from '../schema/ir.js'
import type { Plan } from '../schema/plan.js'
import type { ExpandTable } from './expand-plan.js'
import { isInFlight, latestExpand, type ExpandRecord } from './state.js'

/**
 * The gate of a datasource (`schemaVersion`: the version it runs as, if any).
 *
 * While an expand is in flight it owns its tables: an auto-update (an application's
 * `migrateSchema()` at boot, say) would make in one step what the expand makes in phases, and
 * break the version still running. So auto-update holds back its changes to those tables when the
 * models are either version's (the old version restarting, the new one starting), noting each
 * table as `held` drift, and refuses models that are neither; auto-migrate refuses to drop them.
 * One query when no expand ever ran in the schema.
 */
export const expandGate =
  (schemaVersion?: string): PlanGate =>
  async (conn, plan, { desired, schema, isExecuting }) => {
    if (!schema) return
    const rec = await latestExpand(conn, schema)
    if (rec && isInFlight(rec)) inFlight(plan, desired, rec)
    // What is left (no expand, or tables it doesn't own) must not break the other version either.
    if (schemaVersion !== undefined && isExecuting && plan.mode === 'autoupdate') refuseBreaking(plan, schemaVersion)
  }

/**
 * An application running under `schemaVersion` deploys by expand/contract: another version may be
 * serving traffic, and an auto-update at its boot must not break it (a rename, a type change, a
 * drop, a new required column). Those are refused, pointing to `expand`; additive changes pass.
 */
function refuseBreaking(plan: Plan, schemaVersion: string) {
  const breaking = plan.changes.filter((c) => isBreaking(c.change))
  if (!breaking.length) return
  throw new ShipshapeError(
    'EXPAND_REQUIRED',
    `Auto-update refused, nothing was changed: this datasource runs as schemaVersion "${schemaVersion}", so another version ` +
      `may be serving traffic, and these changes would break it:\n${breaking.map((c) => `  - ${c.summary}`).join('\n')}\n` +
      `Run \`shipshape expand\` before deploying this version (docs/zero-downtime.md), or drop schemaVersion to apply them in one step.`,
  )
}

/** A change an older version's queries or inserts would fail on. */
function isBreaking(c: Change): boolean {
  switch (c.kind) {
    case 'rename-column':
    case 'rename-table':
    case 'drop-column':
    case 'drop-table':
    case 'set-primary-key':
    case 'rebuild-table':
      return true
    case 'alter-column':
      return (c.aspects.includes('type') && !isTextWidening(c.from.type, c.to.type)) || c.aspects.includes('auto-increment') || (c.aspects.includes('nullable') && !c.to.isNullable)
    case 'add-column':
      return !c.column.isNullable && !c.column.default && !c.column.isAutoIncrement
    default:
      return false
  }
}

/** A longer text type (varchar(50) → varchar(200), → text): every value the old version writes or reads still fits. */
function isTextWidening(from: ColumnType, to: ColumnType): boolean {
  const isText = (t: ColumnType) => t.kind === 'varchar' || t.kind === 'text'
  if (!isText(from) || !isText(to)) return false
  // A length test left only for engines that never enforced the old length (SQLite) doesn't count here.
  const conversion = conversionOf(from, to)
  return !!conversion.isWidening && !conversion.refused.length && conversion.lossy.every((l) => l.isUnenforcedOnly)
}

/** An expand in flight: its tables' changes held back when the models are either version's, refused otherwise. */
function inFlight(plan: Plan, desired: Database, rec: ExpandRecord) {
  const owned = new Map(rec.plan.tables.map((t) => [tableKey(t.table), t]))
  const touched = new Set([...plan.changes.map((c) => tableKey(changeTable(c.change))), ...plan.drift.map((d) => tableKey(d.table))].filter((k) => owned.has(k)))
  if (!touched.size) return
  const problems: string[] = []
  for (const key of touched) {
    const t = owned.get(key)!
    const problem = plan.mode === 'automigrate' ? `auto-migrate would drop and re-create it` : neitherVersion(t, desired, rec)
    if (problem) problems.push(`table "${key}" is being expanded from ${rec.from} to ${rec.to} (phase ${rec.phase}): ${problem}.`)
  }
  if (problems.length)
    throw new ShipshapeError(
      'EXPAND_IN_FLIGHT',
      `${plan.mode === 'automigrate' ? 'Auto-migrate' : 'Auto-update'} refused, nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        `Contract the expand once ${rec.from} is gone (shipshape expand contract), or abort it (shipshape expand abort), then run it again.`,
    )
  hold(plan, touched, owned, rec)
}

/** Why the models' table is neither version's shape, or undefined when it is one of them. */
function neitherVersion(t: ExpandTable, desired: Database, rec: ExpandRecord): string | undefined {
  const want = findTable(desired, t.table)
  if (!want) return undefined
  const names = want.columns.map((c) => c.name)
  const isWithin = (cols: Array<{ name: string }>) => names.every((n) => cols.some((c) => c.name === n))
  if (isWithin(t.oldColumns) || isWithin(t.newColumns)) return undefined
  const strangers = names.filter((n) => !t.oldColumns.some((c) => c.name === n) && !t.newColumns.some((c) => c.name === n))
  return `the models declare column(s) ${strangers.map((n) => `"${n}"`).join(', ')}, which neither ${rec.from} nor ${rec.to} has`
}

/** Takes the owned tables' changes and drift out of the plan and notes each table as held. */
function hold(plan: Plan, touched: Set<string>, owned: Map<string, ExpandTable>, rec: ExpandRecord) {
  const held = new Map<string, string[]>([...touched].map((k) => [k, []]))
  plan.changes = plan.changes.filter((c) => {
    const list = held.get(tableKey(changeTable(c.change)))
    list?.push(c.summary)
    return !list
  })
  plan.drift = plan.drift.filter((d) => !touched.has(tableKey(d.table)))
  for (const [key, summaries] of held) {
    const t = owned.get(key)!
    // The changes that wait, so that an operator sees what contract will do (the first few).
    const waiting = summaries.length
      ? `: ${summaries.slice(0, 5).join('; ')}${summaries.length > 5 ? `; and ${summaries.length - 5} more` : ''}`
      : ''
    plan.drift.push({
      kind: 'held',
      table: t.table,
      name: t.table.name,
      ...(t.model ? { model: t.model } : {}),
      message:
        `table "${key}" is left to the expand from ${rec.from} to ${rec.to} in flight (phase ${rec.phase}); ` +
        `contract (shipshape expand contract) makes its changes once ${rec.from} is gone${waiting}.`,
    })
  }
}
