import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import { PlanRefusedError, ShipshapeError } from '../errors.js'
import { checkPlanData } from '../executor/check-data.js'
import { executePlan, withLockRetries, type LockWait } from '../executor/execute-plan.js'
import { SchemaMigrator, type MigrateOptions, type MigrationResult } from '../executor/migrator.js'
import type { ModelDefinition } from '../model/definition.js'
import { diffDatabases } from '../schema/diff.js'
import { tableKey, type Database } from '../schema/ir.js'
import type { Change } from '../schema/changes.js'
import type { NamingConvention } from '../schema/naming.js'
import { buildPlan, type Plan } from '../schema/plan.js'
import { qualifiedName, quotePostgresIdentifier as q } from '../dialects/postgres/quote.js'
import { backfill, type BackfillOptions } from './backfill.js'
import type { BackfillProgress, ExpandPlan, ExpandStatus } from './expand-plan.js'
import { isVersionLabel } from './expand-table.js'
import { planExpand } from './plan-expand.js'
import {
  renderAbort,
  renderBackfillBatch,
  renderContract,
  renderContractSteps,
  renderDropSchemaIfEmpty,
  renderExpand,
  renderNotNullChecks,
  renderUnfilledCount,
} from './render-postgres.js'
import { isInFlight, latestExpand, renderCreateStateTable, renderInsertExpand, renderSetPhase, setPhase, type ExpandRecord } from './state.js'

/** Where an expand runs: what a datasource gives it. */
export interface ExpandTarget {
  dialect: Dialect
  /** A connection without `schemaVersion` (the migration connection). */
  connection: Connection
  /** The new version's models. */
  models: ModelDefinition[]
  allModels: ModelDefinition[]
  naming?: NamingConvention
  schema?: string
  relationForeignKeys?: boolean
  /** The datasource's name, for messages. */
  name?: string
}

export interface ExpandOptions extends BackfillOptions {
  /** Label of the version running now (default: the version the last contract left, or 'v1'). */
  from?: string
  /** Label of the version being deployed (default: `from` with its number plus one, 'v2'). */
  to?: string
  /** Plan only: return the expand plan and its SQL; change nothing. */
  dryRun?: boolean
  /** Run the backfill now (default true); false leaves it to a later `expand()`, which resumes it. */
  backfill?: boolean
  /** Columns whose property was removed: 'drop' drops them at contract (default 'keep'). */
  removedColumns?: 'keep' | 'drop'
  /** Wait for another process's migration lock, in ms. Default 60 000. */
  lockTimeout?: number
  /**
   * PostgreSQL lock_timeout of each of the expand's, contract's and abort's DDL transactions, in
   * ms: the longest a writer queues behind one waiting for its lock. Default 25.
   */
  ddlLockTimeout?: number
  /** Attempts after a DDL lock timeout (with backoff from 200 ms up to 5 s). Default 40. */
  ddlRetries?: number
}

export interface ExpandResult {
  plan: ExpandPlan
  /** SQL of the expand itself (the additive changes' SQL is in `additive`). */
  sql: string[]
  additive?: MigrationResult
  status: ExpandStatus
  executed: boolean
}

export interface ContractResult {
  sql: string[]
  /** The auto-update run after contract for what waited for it (indexes over converted columns, drops). */
  followUp?: MigrationResult
  status: ExpandStatus
}

/** A refusal of expand or contract: the rows or the change that can't be made safe, and what to do. Nothing was changed. */
export class ExpandRefusedError extends PlanRefusedError {
  constructor(reasons: string[], phase: 'expand' | 'contract') {
    super(reasons, 'would-fail')
    this.message = `${phase === 'expand' ? 'Expand' : 'Contract'} refused:\n${reasons.map((r) => `  - ${r}`).join('\n')}\nNothing was changed.`
  }
}

function nextVersion(v: string): string {
  const m = /^(.*?)(\d+)$/.exec(v)
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${v}_next`
}

/**
 * Capabilities, not names: the expand needs row triggers that can tell the versions apart (by
 * search_path) and auto-updatable views, which only the PostgreSQL family has here.
 */
export function canExpand(dialect: Dialect): boolean {
  const c = dialect.capabilities
  return c.supportsSchemas && c.supportsTransactionalDdl && c.supportsConcurrentIndex
}

function refuseUnsupported(target: ExpandTarget) {
  if (!canExpand(target.dialect))
    throw new ShipshapeError(
      'EXPAND_UNSUPPORTED',
      `Zero-downtime expand/contract is supported on PostgreSQL only; datasource "${target.name ?? target.dialect.name}" is ${target.dialect.name}. ` +
        `Use auto-update (or a versioned migration) during a deploy window instead. See docs/zero-downtime.md.`,
    )
}

/** The expand's defaults: measured with two writers on a 1,000,000-row table (docs/zero-downtime.md). */
export const EXPAND_DDL_DEFAULTS = { ddlLockTimeout: 25, ddlRetries: 40 } as const

function lockWait(target: ExpandTarget, options: ExpandOptions): LockWait | undefined {
  const d = target.dialect.ddlLockTimeout
  const ms = options.ddlLockTimeout ?? EXPAND_DDL_DEFAULTS.ddlLockTimeout
  return d ? { ...d, ms, retries: options.ddlRetries ?? EXPAND_DDL_DEFAULTS.ddlRetries } : undefined
}

/**
 * Runs statements as one transaction under a short lock_timeout, retried with backoff on lock
 * timeouts. They go in one simple-query message, which PostgreSQL runs as one transaction and
 * commits as soon as the last statement ends: from the first table lock taken to the commit there
 * is no round trip to this process, however busy the machine it runs on.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT
 */
async function runDdl(conn: Connection, wait: LockWait | undefined, sql: string[]) {
  await withLockRetries(wait, () => conn.exec([...(wait ? [wait.set(wait.ms, true)] : []), ...sql].join(';\n')))
}

async function defaultSchema(target: ExpandTarget): Promise<string> {
  return target.schema ?? (await target.dialect.defaultSchema(target.connection)) ?? 'public'
}

function migrator(target: ExpandTarget, schema: string) {
  return new SchemaMigrator({
    dialect: target.dialect,
    connection: target.connection,
    naming: target.naming,
    schema,
    relationForeignKeys: target.relationForeignKeys,
    allModels: target.allModels,
  })
}

/** An expand already in flight: a request for another version is refused; otherwise it is resumed. */
function resumedExpand(last: ExpandRecord, options: ExpandOptions): { plan: ExpandPlan; sql: string[]; executed: boolean } {
  if (options.to && options.to !== last.to)
    throw new ShipshapeError(
      'EXPAND_IN_FLIGHT',
      `An expand from ${last.from} to ${last.to} is in flight (phase ${last.phase}). Contract it (the old version is gone) or abort it first.`,
    )
  return { plan: last.plan, sql: [], executed: false }
}

/** The lock of an expand's backfill: its own, so a long backfill keeps no auto-update (an app at boot) waiting. */
export function backfillLockScope(schema: string): string {
  return `expand:${schema}`
}

/**
 * Finishes the backfill of the expand in flight, if it has one, under the backfill's own lock
 * (not the migration lock). Another process backfilling holds that lock: this waits for it, as
 * long as it lives (a session lock dies with its session), since the expand isn't done before.
 */
async function backfilled(target: ExpandTarget, schema: string, options: ExpandOptions): Promise<void> {
  const lock = { timeoutMs: Infinity, scope: backfillLockScope(schema), onWait: options.onWaitForBackfill }
  await target.dialect.withMigrationLock(target.connection, lock, async (conn) => {
    const rec = await latestExpand(conn, schema)
    if (rec?.phase !== 'backfilling') return
    if (await backfill(conn, rec, options)) await setPhase(conn, schema, rec.id, 'expanded', 'backfilling')
  })
}

/** The old and new version labels, checked: they name view schemas, so they must be short identifiers. */
function versionLabels(options: ExpandOptions, last: ExpandRecord | undefined): { from: string; to: string } {
  const from = options.from ?? (last?.phase === 'contracted' ? last.to : 'v1')
  const to = options.to ?? nextVersion(from)
  for (const v of [from, to])
    if (!isVersionLabel(v)) throw new ShipshapeError('INVALID_CONFIG', `Version label "${v}" must be 1-20 letters, digits or underscores.`)
  if (from === to) throw new ShipshapeError('INVALID_CONFIG', `The old and new version labels are both "${from}".`)
  return { from, to }
}

/** The data-check findings that refuse the expand, in the plan's order. */
async function dataRefusals(conn: Connection, target: ExpandTarget, current: Database, changes: Change[], plan: ExpandPlan): Promise<string[]> {
  // The same data checks as auto-update: rows that can't convert are refused up front, with counts.
  const checked = buildPlan(changes, target.dialect, current, 'autoupdate', [], { online: true })
  await checkPlanData(conn, target.dialect, checked)
  const refused: string[] = []
  for (const pc of checked.changes) {
    for (const f of pc.findings ?? []) {
      if (!f.isBlocking && f.check.kind !== 'values') continue
      const c = pc.change
      // Declared conversions and fills decide for themselves what the old rows become.
      if (f.check.kind === 'any-rows' || f.check.kind === 'nulls') continue
      if (f.check.kind === 'values') {
        const column = (f.check as { column: string }).column
        const declared = plan.tables.some((t) => t.columns.some((r) => r.kind === 'convert' && r.from.name === column && r.isDeclared))
        if (declared) continue
      }
      refused.push(f.message + (c.kind === 'alter-column' ? ` Or declare {expand: {up: '…'}} on the property to convert them your way.` : ''))
    }
  }
  return refused
}

/** Applies the additive changes, which break no running version, before the expand proper. */
async function appliedAdditive(conn: Connection, additivePlan: Plan, wait: LockWait | undefined): Promise<MigrationResult> {
  // A CREATE INDEX CONCURRENTLY waits out every writer's transaction under that lock_timeout:
  // at the expand's short timeout it would fail (leaving an invalid index) on any slow write.
  const isConcurrent = additivePlan.changes.some((c) => c.statements.some((st) => st.isNonTransactional))
  const additiveWait = wait && isConcurrent ? { ...wait, ms: Math.max(wait.ms, 2000), retries: 5 } : wait
  const statementCount = await executePlan(conn, additivePlan, { transactionalDdl: true, lockWait: additiveWait })
  return { plan: additivePlan, executed: true, statementCount }
}

/** Each table's row count when the expand starts, so the backfill can report how far it has got. */
async function startingProgress(conn: Connection, plan: ExpandPlan): Promise<Record<string, BackfillProgress>> {
  const progress: Record<string, BackfillProgress> = {}
  for (const t of plan.tables) {
    const r = await conn.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualifiedName(t.table)}`)
    progress[tableKey(t.table)] = { rowsDone: 0, rowsTotal: Number(r.rows[0]?.n ?? 0), isDone: false }
  }
  return progress
}

/** Each table's backfill upper key, recorded with the expand so that a resumed backfill stops where this one would. */
function backfillUpperKeys(plan: ExpandPlan): Record<string, string> {
  const upperKeys: Record<string, string> = {}
  for (const t of plan.tables) {
    const upper = renderBackfillBatch(t)?.upperKey
    if (upper) upperKeys[tableKey(t.table)] = upper
  }
  return upperKeys
}

/**
 * Expand: applies what breaks no running version, then puts the new version's columns beside the
 * old ones, kept in step by a trigger both ways, exposes each version's shape as views in its own
 * schema, and backfills the rows already there. Run again, it resumes an interrupted backfill.
 */
export async function expand(target: ExpandTarget, options: ExpandOptions = {}): Promise<ExpandResult> {
  refuseUnsupported(target)
  const schema = await defaultSchema(target)
  const done = await target.dialect.withMigrationLock(target.connection, { timeoutMs: options.lockTimeout }, (conn) => expandLocked(conn, target, schema, options))
  if ('status' in done) return done
  if (!options.dryRun && options.backfill !== false) await backfilled(target, schema, options)
  return { ...done, status: await expandStatus(target) }
}

/** The expand's part under the migration lock: checks, additive changes, DDL and its record; or a resume. */
async function expandLocked(
  conn: Connection,
  target: ExpandTarget,
  schema: string,
  options: ExpandOptions,
): Promise<ExpandResult | Omit<ExpandResult, 'status'>> {
  const last = await latestExpand(conn, schema)
  if (last && isInFlight(last)) return resumedExpand(last, options)
  const { from, to } = versionLabels(options, last)

  const m = migrator(target, schema)
  const { current, desired } = await m.schemas(target.models)
  const { changes } = diffDatabases(current, desired, { removedColumns: options.removedColumns })
  const { plan, refused } = planExpand({
    current,
    desired,
    changes,
    models: target.allModels,
    schema,
    from,
    to,
    maxIdentifierLength: target.dialect.capabilities.maxIdentifierLength,
    renderType: (t) => target.dialect.renderType(t),
  })
  refused.push(...(await dataRefusals(conn, target, current, changes, plan)))
  if (refused.length) throw new ExpandRefusedError(refused, 'expand')
  const sql = renderExpand(plan)
  const additivePlan = buildPlan(plan.additive, target.dialect, current, 'autoupdate', [], { online: true })
  if (options.dryRun || (!plan.tables.length && !plan.additive.length))
    return {
      plan,
      sql: plan.tables.length ? sql : [],
      additive: { plan: additivePlan, executed: false, statementCount: 0 },
      status: await statusOf(conn, last),
      executed: false,
    }

  const wait = lockWait(target, options)
  const additive = plan.additive.length ? await appliedAdditive(conn, additivePlan, wait) : undefined
  if (!plan.tables.length) return { plan, sql: [], additive, status: await statusOf(conn, last), executed: true }

  const progress = await startingProgress(conn, plan)
  await conn.exec(renderCreateStateTable(schema))
  await runDdl(conn, wait, [...sql, renderInsertExpand(plan, progress, backfillUpperKeys(plan))])
  return { plan, sql, additive, executed: true }
}

/**
 * Contract: the old version is gone. Finishes the backfill if needed, proves the new required
 * columns hold no NULL without blocking writes, then in one short transaction drops the trigger,
 * both versions' views and the old columns and renames the new ones; last, an auto-update applies
 * what waited for contract (indexes over converted columns, dropped indexes).
 */
export async function contract(target: ExpandTarget, options: ExpandOptions & MigrateOptions = {}): Promise<ContractResult> {
  refuseUnsupported(target)
  const schema = await defaultSchema(target)
  const wait = lockWait(target, options)
  // The backfill must be done first; it runs under its own lock, not holding up auto-updates meanwhile.
  if (!options.dryRun) await backfilled(target, schema, options)
  const sql = await target.dialect.withMigrationLock(target.connection, { timeoutMs: options.lockTimeout }, async (conn) => {
    const rec = await latestExpand(conn, schema)
    if (!rec || !isInFlight(rec)) throw new ShipshapeError('EXPAND_NONE', `No expand is in flight in schema "${schema}"; nothing to contract.`)
    if (options.dryRun) return renderContract(rec.plan)
    if (rec.phase === 'backfilling')
      throw new ShipshapeError('EXPAND_IN_FLIGHT', `The backfill of the expand from ${rec.from} to ${rec.to} was interrupted; run contract again to finish it.`)
    const problems: string[] = []
    for (const t of rec.plan.tables) {
      const count = renderUnfilledCount(t)
      if (count) {
        const n = Number((await conn.query<{ n: number }>(count)).rows[0]?.n ?? 0)
        if (n) problems.push(`table "${tableKey(t.table)}": ${n} row(s) have an empty new column that their old columns would fill; run expand again to backfill them.`)
      }
      for (const c of renderNotNullChecks(t)) {
        const nulls = Number((await conn.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualifiedName(t.table)} WHERE ${q(c.column)} IS NULL`)).rows[0]?.n ?? 0)
        if (nulls) problems.push(`table "${tableKey(t.table)}": ${nulls} row(s) hold NULL in "${c.column}", which becomes required. Fill them, then contract again.`)
      }
    }
    if (problems.length) throw new ExpandRefusedError(problems, 'contract')
    // NOT NULL proven by a validated CHECK (which doesn't block writes), so SET NOT NULL needn't scan under its lock.
    for (const t of rec.plan.tables)
      for (const c of renderNotNullChecks(t)) {
        await runDdl(conn, wait, [`ALTER TABLE ${qualifiedName(t.table)} DROP CONSTRAINT IF EXISTS ${q(c.name)}`, c.add])
        await conn.exec(c.validate)
      }
    const { locked, cleanup } = renderContractSteps(rec.plan)
    await runDdl(conn, wait, [...locked, renderSetPhase(schema, rec.id, 'contracted')])
    // Left behind if this process dies here: unused functions and empty schemas, nothing any version reads.
    await runDdl(conn, wait, [...cleanup, renderDropSchemaIfEmpty(rec.plan.oldSchema), renderDropSchemaIfEmpty(rec.plan.newSchema)])
    return [...locked, ...cleanup]
  })
  if (options.dryRun) return { sql, status: await expandStatus(target) }
  const followUp = await migrator(target, schema).autoupdate(target.models, { ...options, dryRun: false })
  return { sql, followUp, status: await expandStatus(target) }
}

/** Abort: back to the old version alone, keeping every write made meanwhile (the trigger kept the old columns up to date). */
export async function abortExpand(target: ExpandTarget, options: ExpandOptions = {}): Promise<{ sql: string[]; status: ExpandStatus }> {
  refuseUnsupported(target)
  const schema = await defaultSchema(target)
  const wait = lockWait(target, options)
  const sql = await target.dialect.withMigrationLock(target.connection, { timeoutMs: options.lockTimeout }, async (conn) => {
    const rec = await latestExpand(conn, schema)
    if (!rec || !isInFlight(rec)) throw new ShipshapeError('EXPAND_NONE', `No expand is in flight in schema "${schema}"; nothing to abort.`)
    const sql = renderAbort(rec.plan)
    if (options.dryRun) return sql
    await runDdl(conn, wait, [
      ...sql,
      renderDropSchemaIfEmpty(rec.plan.oldSchema),
      renderDropSchemaIfEmpty(rec.plan.newSchema),
      renderSetPhase(schema, rec.id, 'aborted'),
    ])
    return sql
  })
  return { sql, status: await expandStatus(target) }
}

/** Which phase the latest expand is in, its backfill progress and the versions exposed as view schemas. */
export async function expandStatus(target: ExpandTarget): Promise<ExpandStatus> {
  refuseUnsupported(target)
  const schema = await defaultSchema(target)
  return statusOf(target.connection, await latestExpand(target.connection, schema))
}

async function statusOf(conn: Connection, rec: ExpandRecord | undefined): Promise<ExpandStatus> {
  if (!rec) return { phase: 'none', exposedVersions: [], backfill: [], summary: [] }
  const candidates = [
    { version: rec.from, schema: rec.plan.oldSchema },
    { version: rec.to, schema: rec.plan.newSchema },
  ]
  const found = await conn.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])`, [candidates.map((c) => c.schema)])
  const have = new Set(found.rows.map((r) => r.nspname))
  return {
    phase: rec.phase,
    from: rec.from,
    to: rec.to,
    exposedVersions: candidates.filter((c) => have.has(c.schema)),
    backfill: rec.plan.tables.map((t) => {
      const key = tableKey(t.table)
      return { table: key, ...(rec.progress[key] ?? { rowsDone: 0, rowsTotal: 0, isDone: false }) }
    }),
    summary: rec.plan.summary,
    startedAt: rec.startedAt,
    updatedAt: rec.updatedAt,
  }
}
