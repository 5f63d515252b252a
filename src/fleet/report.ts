import type { Plan } from '../schema/plan.js'

/** What happened to one tenant. */
export interface FleetTargetReport {
  name: string
  /** True when the tenant is now actual (or, in a dry run, was planned without error). */
  ok: boolean
  /**
   * applied: changes made; actual: nothing to do; planned: a dry run's plan; failed: refused,
   * locked or broken (see error); not-run: the run stopped first (canary failed, interrupted).
   */
  status: 'applied' | 'actual' | 'planned' | 'failed' | 'not-run'
  /** Changes applied (or planned, in a dry run); in migrations mode, migrations applied or pending. */
  changes: number
  statements: number
  durationMs: number
  /** Found actual by its catalog fingerprint, without introspecting it. */
  isFingerprintMatch?: boolean
  /** One line per change (or pending migration), for summaries and grouping. */
  summaries: string[]
  /** Objects found that the models don't declare (kept). */
  drift: string[]
  /** The plan, in a dry run. */
  plan?: Plan
  error?: { code: string; message: string }
}

/** Tenants whose plans are the same, with their schema's own name left out. */
export interface PlanGroup {
  summaries: string[]
  count: number
  targets: string[]
}

export interface FleetTotals {
  targets: number
  ok: number
  failed: number
  notRun: number
  applied: number
  actual: number
  /** Of the actual ones, those found so by fingerprint alone. */
  fingerprintMatches: number
  changes: number
  statements: number
  durationMs: number
}

export interface FleetReport {
  targets: FleetTargetReport[]
  totals: FleetTotals
  /** Identical plans together, largest group first (a dry run's "612 tenants: add column …"). */
  groups: PlanGroup[]
  /** The canary tenants failed, so the rest were not run. */
  canaryFailed?: boolean
  /** Stopped early (signal aborted); a rerun finishes the rest. */
  interrupted?: boolean
}

export function fleetTotals(reports: FleetTargetReport[], durationMs: number): FleetTotals {
  const count = (s: FleetTargetReport['status']) => reports.filter((r) => r.status === s).length
  return {
    targets: reports.length,
    ok: reports.filter((r) => r.ok).length,
    failed: count('failed'),
    notRun: count('not-run'),
    applied: count('applied'),
    actual: count('actual'),
    fingerprintMatches: reports.filter((r) => r.isFingerprintMatch).length,
    changes: reports.reduce((n, r) => n + r.changes, 0),
    statements: reports.reduce((n, r) => n + r.statements, 0),
    durationMs,
  }
}

/** Groups tenants by their plan's change summaries (tenant schema names already taken out). */
export function groupPlans(reports: FleetTargetReport[]): PlanGroup[] {
  const groups = new Map<string, PlanGroup>()
  for (const r of reports) {
    if (r.status === 'failed' || r.status === 'not-run' || r.summaries.length === 0) continue
    const key = r.summaries.join('\n')
    const g = groups.get(key) ?? { summaries: r.summaries, count: 0, targets: [] }
    g.count++
    g.targets.push(r.name)
    groups.set(key, g)
  }
  return [...groups.values()].sort((a, b) => b.count - a.count)
}
