import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import { noteCaseTwins } from './case-twins.js'
import { ModelDefinitionError, PlanRefusedError, type Refusal } from '../errors.js'
import type { ModelDefinition } from '../model/definition.js'
import { changeTable, type Change } from '../schema/changes.js'
import { createTableChanges, diffDatabases, missingSchemas } from '../schema/diff.js'
import { schemaFromModels } from '../schema/from-model.js'
import type { Database, TableRef } from '../schema/ir.js'
import { findTable } from '../schema/ir.js'
import type { NamingConvention } from '../schema/naming.js'
import { normalizeDatabase } from '../schema/normalize.js'
import { buildPlan, type Plan } from '../schema/plan.js'
import { separateAdoption } from '../schema/adoption.js'
import { checkPlanData } from './check-data.js'
import { executePlan, type ExecuteProgress } from './execute-plan.js'
import { locksPerTransaction } from './lock-budget.js'

export interface MigrateOptions extends ExecuteProgress {
  /** Apply changes that can lose data (drops, narrowing conversions). Default false. */
  allowDataLoss?: boolean
  /** Plan only; send no DDL. */
  dryRun?: boolean
  /** What to do with columns whose property was removed. Default 'keep'. */
  removedColumns?: 'keep' | 'drop'
  /** Build indexes on existing tables without blocking writes where the engine can. Default true. */
  online?: boolean
  /** How long to wait for another process's migration lock, in ms. Default 60 000. */
  lockTimeout?: number
  /**
   * How long one DDL statement may wait for a table lock before the transaction is retried
   * (PostgreSQL `lock_timeout`), in ms. Default 2000: a migration waits politely rather than
   * queueing every reader of a busy table behind its lock.
   */
  ddlLockTimeout?: number
  /** Attempts after a DDL lock timeout, with exponential backoff. Default 5. */
  ddlRetries?: number
  /** Statements sent per round trip inside the transaction. Default 200. */
  batchSize?: number
  /**
   * Lease of the migration's lock row where the lock is a row (behind a transaction pooler, on a
   * Galera cluster), in ms: a holder that dies blocks the others this long. Default 30 000.
   */
  lockLease?: number
  /**
   * Adopting a LoopBack database (`naming: 'loopback'`): `'report'` (default) lists LoopBack's defects
   * in `plan.adoption` and leaves them alone; `'fix'` applies them too (unique indexes made unique,
   * missing foreign keys added).
   */
  adopt?: 'report' | 'fix'
}

/** What a migration did: the plan (with its SQL) and whether it was executed. */
export interface MigrationResult {
  plan: Plan
  /** False for a dry run or an empty plan. */
  executed: boolean
  /** Statements sent to the database to apply the plan. */
  statementCount: number
}

export interface MigratorConfig {
  dialect: Dialect
  connection: Connection
  naming?: NamingConvention
  /** Every model of the datasource, to resolve foreign keys. */
  allModels: ModelDefinition[]
  /** Schema of tables whose model names none (default: the connection's current schema). */
  schema?: string
  /** Every belongsTo relation gets its foreign-key constraint. */
  relationForeignKeys?: boolean
  /** The desired schema, already built and normalised (a fleet builds it once for every tenant). */
  desired?: Database
  /** Take the migration lock for this schema only (a tenant), not the whole database. */
  lockScope?: string
  /** Consulted with every plan, under the lock: something else may own some tables for now. */
  gate?: PlanGate
}

/**
 * Something outside the migrator that owns some tables for a while (an expand in flight): given
 * each plan before its data checks, it may hold those tables' changes back (noting them as drift)
 * or refuse the plan by throwing.
 */
export type PlanGate = (conn: Connection, plan: Plan, context: { desired: Database; schema?: string; isExecuting: boolean }) => Promise<void>

/** The pipeline: models → desired schema; catalog → live schema; diff → plan → SQL → apply. */
export class SchemaMigrator {
  private defaultSchema?: string
  constructor(private readonly config: MigratorConfig) {}

  private async desired(models: ModelDefinition[]): Promise<Database> {
    const { dialect } = this.config
    if (this.config.desired) return this.config.desired
    if (dialect.capabilities.supportsSchemas && this.defaultSchema === undefined)
      this.defaultSchema = this.config.schema ?? (await dialect.defaultSchema(this.config.connection))
    const { database } = schemaFromModels(
      models,
      dialect,
      { naming: this.config.naming, defaultSchema: this.defaultSchema, relationForeignKeys: this.config.relationForeignKeys },
      mergeModels(this.config.allModels, models),
    )
    return normalizeDatabase(database, dialect)
  }

  private refs(desired: Database): TableRef[] {
    const refs: TableRef[] = []
    for (const t of desired.tables) {
      refs.push({ schema: t.schema, name: t.name })
      if (t.renamedFrom) refs.push({ schema: t.schema, name: t.renamedFrom })
    }
    return refs
  }

  private async introspect(conn: Connection, desired: Database): Promise<Database> {
    return normalizeDatabase(await this.config.dialect.introspect(conn, this.refs(desired)), this.config.dialect)
  }

  /** Auto-update: alter the models' tables to match, keeping every row. */
  async autoupdate(models: ModelDefinition[], options: MigrateOptions = {}): Promise<MigrationResult> {
    const desired = await this.desired(models)
    return this.locked(options, async (conn) => {
      const current = await this.introspect(conn, desired)
      const plan = this.updatePlan(current, desired, options)
      await this.config.gate?.(conn, plan, { desired, schema: this.defaultSchema, isExecuting: !options.dryRun })
      await noteCaseTwins(conn, this.config.dialect, plan)
      await checkPlanData(conn, this.config.dialect, plan)
      // A dry run shows refused changes (marked, with their findings) instead of throwing.
      if (!options.dryRun) gatePlan(plan, !!options.allowDataLoss)
      return this.run(conn, plan, options)
    })
  }

  /** The auto-update plan, with its SQL, without executing it. */
  async planAutoupdate(models: ModelDefinition[], options: MigrateOptions = {}): Promise<Plan> {
    const desired = await this.desired(models)
    const current = await this.introspect(this.config.connection, desired)
    const plan = this.updatePlan(current, desired, options)
    await this.config.gate?.(this.config.connection, plan, { desired, schema: this.defaultSchema, isExecuting: false })
    await noteCaseTwins(this.config.connection, this.config.dialect, plan)
    await checkPlanData(this.config.connection, this.config.dialect, plan)
    return plan
  }

  /** The diff as a plan; on a LoopBack database, LoopBack's defects set apart unless `adopt: 'fix'`. */
  private updatePlan(current: Database, desired: Database, options: MigrateOptions): Plan {
    const { dialect } = this.config
    const diff = diffDatabases(current, desired, { removedColumns: options.removedColumns })
    let changes = diff.changes
    const adopting = this.config.naming === 'loopback' && dialect.loopback
    const separated = adopting ? separateAdoption(changes, current, { foreignKeysNeverCreated: !dialect.loopback!.createsForeignKeys }) : undefined
    if (separated && options.adopt !== 'fix') changes = separated.changes
    const plan = buildPlan(changes, dialect, current, 'autoupdate', diff.drift, { online: options.online ?? true })
    if (separated?.adoption.length) plan.adoption = separated.adoption
    return plan
  }

  /** Auto-migrate: drop the models' tables (data lost, on purpose) and create them again. */
  async automigrate(models: ModelDefinition[], options: MigrateOptions = {}): Promise<MigrationResult> {
    const desired = await this.desired(models)
    return this.locked(options, async (conn) => {
      const current = await this.introspect(conn, desired)
      const plan = this.automigratePlan(current, desired)
      await this.config.gate?.(conn, plan, { desired, schema: this.defaultSchema, isExecuting: !options.dryRun })
      return this.run(conn, plan, options)
    })
  }

  async planAutomigrate(models: ModelDefinition[]): Promise<Plan> {
    const desired = await this.desired(models)
    const plan = this.automigratePlan(await this.introspect(this.config.connection, desired), desired)
    await this.config.gate?.(this.config.connection, plan, { desired, schema: this.defaultSchema, isExecuting: false })
    return plan
  }

  private automigratePlan(current: Database, desired: Database): Plan {
    const changes: Change[] = missingSchemas(current, desired)
    for (const want of desired.tables) {
      const have = findTable(current, want)
      if (have) changes.push({ kind: 'drop-table', table: have })
      changes.push(...createTableChanges(want))
    }
    return buildPlan(changes, this.config.dialect, current, 'automigrate', [], { online: false })
  }

  /** The models' schema and the live one, both normalised (what diagrams and reports draw). */
  async schemas(models: ModelDefinition[]): Promise<{ current: Database; desired: Database }> {
    const desired = await this.desired(models)
    return { current: await this.introspect(this.config.connection, desired), desired }
  }

  /** True when auto-update would change nothing and holds nothing back. */
  async isActual(models: ModelDefinition[]): Promise<boolean> {
    const plan = await this.planAutoupdate(models)
    return plan.changes.length === 0 && !plan.drift.some((d) => d.kind === 'held')
  }

  private locked<T>(options: MigrateOptions, fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.config.dialect.withMigrationLock(
      this.config.connection,
      { timeoutMs: options.lockTimeout, leaseMs: options.lockLease, scope: this.config.lockScope },
      fn,
    )
  }

  private async run(conn: Connection, plan: Plan, options: MigrateOptions): Promise<MigrationResult> {
    if (options.dryRun || plan.changes.length === 0) return { plan, executed: false, statementCount: 0 }
    const { dialect } = this.config
    const statementCount = await executePlan(conn, plan, {
      transactionalDdl: dialect.capabilities.supportsTransactionalDdl,
      runStatement: (c, s) => dialect.runStatement(c, s),
      onStatement: options.onStatement,
      batchSize: options.batchSize,
      locksPerTransaction: await locksPerTransaction(dialect, conn),
      ...(dialect.ddlLockTimeout
        ? {
            lockWait: {
              ...dialect.ddlLockTimeout,
              ms: options.ddlLockTimeout ?? 2000,
              retries: options.ddlRetries ?? 5,
            },
          }
        : {}),
    })
    return { plan, executed: true, statementCount }
  }
}

/**
 * Every refusal of a plan at once, grouped by model: changes that would fail on existing rows,
 * and (without allowDataLoss) changes that lose data. Empty when the plan may run.
 */
export function planRefusals(plan: Plan, allowDataLoss: boolean): Refusal[] {
  const out: Refusal[] = []
  for (const c of plan.changes) {
    const model = modelOf(c.change)
    const table = changeTable(c.change)
    const owner = model ? `Model "${model}"` : `Table "${table.schema ? `${table.schema}.` : ''}${table.name}"`
    for (const f of c.findings ?? []) if (f.isBlocking) out.push({ model: owner, rule: 'would-fail', reason: f.message })
    if (allowDataLoss) continue
    for (const r of c.destructive) out.push({ model: owner, rule: 'data-loss', reason: r })
    // Rows a conversion would cut or round are loss even under a change rated a widening
    // (SQLite never enforced the old length, a 64-bit INTEGER rounds as a double).
    for (const f of c.findings ?? []) if (!f.isBlocking && f.rows > 0) out.push({ model: owner, rule: 'data-loss', reason: f.message })
  }
  // Grouped by model, in the order models first appear.
  const order = [...new Set(out.map((r) => r.model))]
  return out.sort((a, b) => order.indexOf(a.model) - order.indexOf(b.model))
}

/** The model a change belongs to; a SQLite rebuild carries it on the changes it gathers. */
function modelOf(change: Change): string | undefined {
  if ('model' in change && typeof change.model === 'string') return change.model
  if (change.kind === 'rebuild-table')
    for (const inner of change.changes) {
      const m = modelOf(inner)
      if (m) return m
    }
  return undefined
}

/** Refuses a plan that would fail on existing rows, or lose data without allowDataLoss: every problem at once. */
export function gatePlan(plan: Plan, allowDataLoss: boolean) {
  const refusals = planRefusals(plan, allowDataLoss)
  if (refusals.length) throw Object.assign(new PlanRefusedError(refusals), { plan })
}

function mergeModels(all: ModelDefinition[], models: ModelDefinition[]): ModelDefinition[] {
  const byName = new Map(all.map((m) => [m.name, m]))
  for (const m of models) {
    const other = byName.get(m.name)
    if (other && other !== m && JSON.stringify(other) !== JSON.stringify(m))
      throw new ModelDefinitionError(`Two different models are named "${m.name}". Rename one.`)
    byName.set(m.name, m)
  }
  return [...byName.values()]
}
