import type { Dialect } from '../dialects/dialect.js'
import type { Connection } from '../dialects/connection.js'
import type { DataSource } from '../datasource/datasource.js'
import { definitionOf } from '../datasource/datasource.js'
import { ShipshapeError, redactUrl } from '../errors.js'
import { SchemaMigrator, type MigrateOptions, type MigrationResult } from '../executor/migrator.js'
import type { ModelDefinition } from '../model/definition.js'
import type { ModelClass } from '../model/entity.js'
import { MigrationRunner } from '../migrations/runner.js'
import { schemaFromModels } from '../schema/from-model.js'
import type { Database } from '../schema/ir.js'
import type { NamingConvention } from '../schema/naming.js'
import { normalizeDatabase } from '../schema/normalize.js'
import { retargetSchema } from '../schema/retarget.js'
import { fleetTotals, groupPlans, type FleetReport, type FleetTargetReport } from './report.js'
import { SchemaScopedConnection } from './scoped-connection.js'
import { FleetServers } from './servers.js'
import { resolveTarget, type FleetTarget, type ResolvedTarget } from './targets.js'

// Stand-in schema of the desired schema built once for every tenant, then moved into each.
const TENANT = '\u0000tenant'

export interface FleetOptions extends Omit<MigrateOptions, 'onStatement'> {
  /** The models every tenant holds. */
  models?: Array<ModelClass | ModelDefinition>
  /** Or an application: the models of its migratable datasources. */
  app?: { boot?(): Promise<void>; dataSources?(): DataSource[] }
  /** The tenants: an array, or an async iterable (read before the run starts, so totals are known). */
  targets: Iterable<FleetTarget> | AsyncIterable<FleetTarget>
  /** Tenants migrated at once. Default 8. */
  concurrency?: number
  /** 'alter' (default) keeps data (auto-update); 'drop' drops and re-creates (auto-migrate). */
  existingSchema?: 'alter' | 'drop'
  /** 'auto-update' (default): bring each tenant in step with the models; 'migrations': apply each tenant's pending migration files. */
  mode?: 'auto-update' | 'migrations'
  /** Folder of migration files in 'migrations' mode. Default 'migrations'. */
  migrationsDir?: string
  /** Migrate this many tenants first and stop if any of them fails. */
  canary?: number
  naming?: NamingConvention
  /** Every belongsTo relation gets its foreign-key constraint. */
  relationForeignKeys?: boolean
  /** Called as each tenant starts and ends. */
  onProgress?(event: FleetProgressEvent): void
  /** Abort to stop starting tenants: those in flight finish, the rest are reported not run. */
  signal?: AbortSignal
}

export interface FleetProgressEvent {
  type: 'start' | 'done'
  target: string
  /** Present on 'done'. */
  report?: FleetTargetReport
  done: number
  failed: number
  total: number
}

interface Job {
  t: ResolvedTarget
  dialect: Dialect
  fingerprint?: string
}

/**
 * Migrates a fleet of tenant databases to the same models: PostgreSQL schemas or databases,
 * MySQL/MariaDB databases, SQLite files. Tenants run `concurrency` at a time over one connection
 * pool per server; each holds its own lock (per schema), and a tenant's failure, refusal or lock
 * is reported for it alone. The desired schema is built once; on PostgreSQL one catalog query
 * fingerprints every tenant, and a tenant whose fingerprint matches one found actual is done
 * without introspection. A rerun touches only what is not actual.
 * @example
 *   const report = await migrateFleet({
 *     models: [Todo, TodoList],
 *     targets: tenants.map((t) => ({name: t, connector: 'postgresql', url, schema: `tenant_${t}`})),
 *     concurrency: 8,
 *     onProgress: (e) => e.type === 'done' && console.log(`${e.done}/${e.total} ${e.target}`),
 *   })
 *   if (report.totals.failed) console.error(report.targets.filter((t) => !t.ok))
 */
export async function migrateFleet(options: FleetOptions): Promise<FleetReport> {
  const started = Date.now()
  const models = await fleetModels(options)
  const resolved: ResolvedTarget[] = []
  for await (const t of options.targets) resolved.push(resolveTarget(t))
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8))
  const servers = new FleetServers(concurrency + 1)
  const mode = options.mode ?? 'auto-update'
  const jobs: Job[] = resolved.map((t) => ({ t, dialect: servers.add(t) }))
  const reports = new Map<ResolvedTarget, FleetTargetReport>()
  const desiredFor = desiredSchemas(models, options)
  // Bad models fail the whole run before any tenant is touched.
  if (mode === 'auto-update') for (const j of jobs) desiredFor(j.dialect)

  let done = 0
  let failed = 0
  const finish = async (job: Job, report: FleetTargetReport) => {
    reports.set(job.t, report)
    done++
    if (!report.ok) failed++
    options.onProgress?.({ type: 'done', target: job.t.name, report, done, failed, total: jobs.length })
    await servers.release(job.t)
  }

  const check = sharingVerdicts((job) => runTenant(job, options, models, servers, desiredFor, mode))
  const runOne = async (job: Job) => {
    options.onProgress?.({ type: 'start', target: job.t.name, done, failed, total: jobs.length })
    return finish(job, await check(job))
  }

  const canary = Math.min(Math.max(0, Math.floor(options.canary ?? 0)), jobs.length)
  let canaryFailed = false
  try {
    await runPool(jobs.slice(0, canary), concurrency, runOne, options.signal)
    canaryFailed = canary > 0 && jobs.slice(0, canary).some((j) => !reports.get(j.t)?.ok)
    if (!canaryFailed && !options.signal?.aborted) {
      const rest = jobs.slice(canary)
      if (mode === 'auto-update' && options.existingSchema !== 'drop') await fingerprint(rest, servers, desiredFor)
      await runPool(orderJobs(rest), concurrency, runOne, options.signal)
    }
  } finally {
    await servers.closeAll()
  }

  const list = resolved.map((t) => reports.get(t) ?? notRun(t, canaryFailed))
  return {
    targets: list,
    totals: fleetTotals(list, Date.now() - started),
    groups: groupPlans(list),
    ...(canaryFailed ? { canaryFailed } : {}),
    ...(options.signal?.aborted ? { interrupted: true } : {}),
  }
}

/**
 * Tenants whose fingerprint was found actual: the first of each fingerprint is checked in full,
 * the others wait for its verdict and, when it is actual, take it over.
 */
function sharingVerdicts(run: (job: Job) => Promise<FleetTargetReport>): (job: Job) => Promise<FleetTargetReport> {
  const verdicts = new Map<string, Promise<FleetTargetReport | undefined>>()
  return async (job) => {
    const t0 = Date.now()
    if (job.fingerprint === undefined) return run(job)
    const known = verdicts.get(job.fingerprint)
    if (known) {
      const twin = await known
      return twin ? { ...twin, name: job.t.name, durationMs: Date.now() - t0, isFingerprintMatch: true } : run(job)
    }
    let settle!: (r: FleetTargetReport | undefined) => void
    verdicts.set(job.fingerprint, new Promise((r) => (settle = r)))
    const report = await run(job)
    settle(report.status === 'actual' ? report : undefined)
    return report
  }
}

/** The desired schema per dialect, built once for the whole fleet. */
function desiredSchemas(models: ModelDefinition[], options: FleetOptions): (dialect: Dialect) => Database {
  const cache = new Map<Dialect, Database>()
  return (dialect) => {
    let db = cache.get(dialect)
    if (!db) {
      const { database } = schemaFromModels(
        models,
        dialect,
        { naming: options.naming, defaultSchema: dialect.capabilities.supportsSchemas ? TENANT : undefined, relationForeignKeys: options.relationForeignKeys },
        models,
      )
      db = normalizeDatabase(database, dialect)
      cache.set(dialect, db)
    }
    return db
  }
}

/** The report of a tenant the run never reached: a canary failed, or the run was interrupted. */
function notRun(t: ResolvedTarget, canaryFailed: boolean): FleetTargetReport {
  return {
    name: t.name,
    ok: false,
    status: 'not-run',
    changes: 0,
    statements: 0,
    durationMs: 0,
    summaries: [],
    drift: [],
    error: {
      code: canaryFailed ? 'CANARY_FAILED' : 'INTERRUPTED',
      message: canaryFailed ? 'not run: a canary tenant failed' : 'not run: the run was interrupted',
    },
  }
}

async function fleetModels(options: FleetOptions): Promise<ModelDefinition[]> {
  if (options.models) return options.models.map(definitionOf)
  if (options.app) {
    await options.app.boot?.()
    const defs = new Map<string, ModelDefinition>()
    for (const ds of options.app.dataSources?.() ?? [])
      if (ds.supportsMigration) for (const n of ds.modelNames) defs.set(n, definitionOf(ds.getModel(n)!))
    return [...defs.values()]
  }
  if ((options.mode ?? 'auto-update') === 'migrations') return []
  throw new ShipshapeError('INVALID_CONFIG', 'migrateFleet needs `models` (or `app`) to know what every tenant should hold.')
}

/** One catalog query per server gives every tenant's fingerprint (where the dialect can). */
async function fingerprint(jobs: Job[], servers: FleetServers, desiredFor: (d: Dialect) => Database) {
  const byServer = new Map<string, Job[]>()
  for (const j of jobs) if (j.dialect.capabilities.supportsSchemaFingerprints && j.t.schema) byServer.set(j.t.serverKey, [...(byServer.get(j.t.serverKey) ?? []), j])
  for (const group of byServer.values()) {
    const dialect = group[0]!.dialect
    const desired = desiredFor(dialect)
    const tables = desired.tables.filter((t) => t.schema === TENANT).flatMap((t) => (t.renamedFrom ? [t.name, t.renamedFrom] : [t.name]))
    try {
      const conn = await servers.connection(group[0]!.t)
      const prints = await dialect.fingerprintSchemas(conn, group.map((j) => j.t.schema!), tables)
      for (const j of group) j.fingerprint = prints.get(j.t.schema!)
    } catch {
      // No fingerprints: every tenant of this server is checked in full (and reports its own error).
    }
  }
}

/** Server by server (so pools close early), and per server the first tenant of each fingerprint first. */
function orderJobs(jobs: Job[]): Job[] {
  const byServer = new Map<string, Job[]>()
  for (const j of jobs) byServer.set(j.t.serverKey, [...(byServer.get(j.t.serverKey) ?? []), j])
  const out: Job[] = []
  for (const group of byServer.values()) {
    const seen = new Set<string>()
    const firsts: Job[] = []
    const others: Job[] = []
    for (const j of group) {
      if (j.fingerprint === undefined || !seen.has(j.fingerprint)) {
        if (j.fingerprint !== undefined) seen.add(j.fingerprint)
        firsts.push(j)
      } else others.push(j)
    }
    out.push(...firsts, ...others)
  }
  return out
}

async function runPool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>, signal?: AbortSignal) {
  let next = 0
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/** A tenant brought up to date by the migration files (or, in a dry run, what is pending). */
async function runTenantMigrations(dialect: Dialect, conn: Connection, schema: string | undefined, options: FleetOptions) {
  const scoped = schema && dialect.sessionSchema ? new SchemaScopedConnection(conn, dialect.sessionSchema.set(schema), dialect.sessionSchema.reset) : conn
  const runner = new MigrationRunner({ dialect, connection: scoped, dir: options.migrationsDir, schema, lockTimeout: options.lockTimeout, lockScope: schema })
  const names = options.dryRun
    ? (await runner.status()).filter((e) => e.state === 'pending' || e.state === 'out-of-order' || e.state === 'partial').map((e) => e.name)
    : (await runner.up()).migrations
  return {
    ok: true,
    status: names.length === 0 ? ('actual' as const) : options.dryRun ? ('planned' as const) : ('applied' as const),
    changes: names.length,
    summaries: names.map((n) => `${options.dryRun ? 'pending' : 'applied'} migration ${n}`),
  }
}

async function runTenant(
  job: Job,
  options: FleetOptions,
  models: ModelDefinition[],
  servers: FleetServers,
  desiredFor: (d: Dialect) => Database,
  mode: 'auto-update' | 'migrations',
): Promise<FleetTargetReport> {
  const { t, dialect } = job
  const started = Date.now()
  const base = { name: t.name, statements: 0, summaries: [] as string[], drift: [] as string[] }
  try {
    const conn = await servers.connection(t)
    const schema = t.schema ?? (dialect.capabilities.supportsSchemas ? await servers.defaultSchema(t, dialect) : undefined)
    const local = (text: string) => (!schema ? text : text === `create schema ${schema}` ? 'create the schema' : text.replaceAll(`${schema}.`, ''))
    if (mode === 'migrations') return { ...base, ...(await runTenantMigrations(dialect, conn, schema, options)), durationMs: Date.now() - started }
    const whole = desiredFor(dialect)
    const desired = schema ? retargetSchema(whole, TENANT, schema) : whole
    const migrator = new SchemaMigrator({ dialect, connection: conn, naming: options.naming, allModels: models, schema, desired, lockScope: schema })
    const migrateOptions: MigrateOptions = { ...options, onStatement: undefined }
    let result: MigrationResult
    if (options.existingSchema === 'drop')
      result = options.dryRun
        ? { plan: await migrator.planAutomigrate(models), executed: false, statementCount: 0 }
        : await migrator.automigrate(models, migrateOptions)
    else result = await migrator.autoupdate(models, migrateOptions)
    const changes = result.plan.changes.length
    return {
      ...base,
      ok: true,
      status: changes === 0 ? 'actual' : options.dryRun ? 'planned' : 'applied',
      changes,
      statements: result.statementCount,
      // Rows that make a change fail or lose data set the tenant's plan apart (counts left out, so such tenants still group).
      summaries: result.plan.changes.map((c) => {
        const f = c.findings?.filter((x) => x.rows > 0) ?? []
        return local(c.summary) + (f.some((x) => x.isBlocking) ? ' — refused: existing rows would fail it' : f.length ? ' — existing rows would lose data' : '')
      }),
      drift: result.plan.drift.map((d) => local(d.message)),
      ...(options.dryRun ? { plan: result.plan } : {}),
      durationMs: Date.now() - started,
    }
  } catch (e) {
    const err = e as Error & { code?: string }
    return {
      ...base,
      ok: false,
      status: 'failed',
      changes: 0,
      durationMs: Date.now() - started,
      error: { code: err.code ?? 'ERROR', message: redactUrl(err.message ?? String(e)) },
    }
  }
}
