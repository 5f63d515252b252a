import { ShipshapeError } from '../errors.js'
import type { PlanGate } from '../executor/migrator.js'
import { changeTable } from '../schema/changes.js'
import { findTable, tableKey, type Database } from '../schema/ir.js'
import type { Plan } from '../schema/plan.js'
import type { ExpandTable } from './expand-plan.js'
import { isInFlight, latestExpand, type ExpandRecord } from './state.js'

/**
 * While an expand is in flight it owns its tables: an auto-update (an application's
 * `migrateSchema()` at boot, say) would make in one step what the expand makes in phases, and
 * break the version still running. So auto-update holds back its changes to those tables when the
 * models are either version's (the old version restarting, the new one starting), noting each
 * table as `held` drift, and refuses models that are neither; auto-migrate refuses to drop them.
 * One query when no expand ever ran in the schema.
 */
export const expandGate: PlanGate = async (conn, plan, { desired, schema }) => {
  if (!schema) return
  const rec = await latestExpand(conn, schema)
  if (!rec || !isInFlight(rec)) return
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
  const isOwned = (k: string) => touched.has(k)
  plan.changes = plan.changes.filter((c) => !isOwned(tableKey(changeTable(c.change))))
  plan.drift = plan.drift.filter((d) => !isOwned(tableKey(d.table)))
  for (const key of touched) {
    const t = owned.get(key)!
    plan.drift.push({
      kind: 'held',
      table: t.table,
      name: t.table.name,
      ...(t.model ? { model: t.model } : {}),
      message:
        `table "${key}" is left to the expand from ${rec.from} to ${rec.to} in flight (phase ${rec.phase}); ` +
        `its changes are made by contract (shipshape expand contract) once ${rec.from} is gone.`,
    })
  }
}
