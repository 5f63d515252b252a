import { inspect } from 'node:util'
import { redactValue, rememberSecretsOf } from '../redact.js'
import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import { ShipshapeError } from '../errors.js'
import type { ModelDefinition } from '../model/definition.js'
import { isModelClass, type ModelClass } from '../model/entity.js'
import { SchemaMigrator, type MigrateOptions, type MigrationResult } from '../executor/migrator.js'
import type { Plan } from '../schema/plan.js'
import type { Database } from '../schema/ir.js'
import { schemaFromModels } from '../schema/from-model.js'
import { normalizeDataSourceConfig, type DataSourceConfig } from './config.js'
import { getConnector, openConnection, type Connector } from './connectors.js'
import { Transaction } from './transaction.js'
import {
  abortExpand,
  contract as contractModels,
  expand as expandModels,
  expandStatus,
  canExpand,
  type ContractResult,
  type ExpandOptions,
  type ExpandResult,
  type ExpandTarget,
} from '../expand/expand.js'
import type { ExpandStatus } from '../expand/expand-plan.js'
import { isVersionLabel } from '../expand/expand-table.js'
import { expandGate } from '../expand/gate.js'

/** A model given by class, definition or name (of a model attached to the datasource). */
export type ModelRef = ModelClass | ModelDefinition | string

/**
 * A database the application uses: its connection, its dialect and the models it backs.
 * @example
 *   const ds = new DataSource({name: 'db', connector: 'sqlite', file: 'app.db', models: [Todo]})
 *   await ds.autoupdate()          // alter tables to match the models, keeping rows
 *   await ds.automigrate()         // drop and re-create them (data lost)
 */
export class DataSource {
  readonly name: string
  readonly settings: DataSourceConfig
  readonly connector: Connector
  private readonly models = new Map<string, ModelClass | ModelDefinition>()
  private conn?: Promise<Connection>
  private migrationConn?: Promise<Connection>
  private migrator?: SchemaMigrator

  /**
   * Takes Shipshape's config or LoopBack's (`{name, connector: 'postgresql' | 'mysql' | 'sqlite3' | 'memory', url, host, …}`,
   * as in `*.datasource.config.json`). A subclass's `static dataSourceName` names it when the config doesn't.
   */
  constructor(config: DataSourceConfig | object) {
    const fallback = (new.target as { dataSourceName?: unknown }).dataSourceName
    const settings = normalizeDataSourceConfig(config, typeof fallback === 'string' ? fallback : undefined)
    this.settings = settings
    rememberSecretsOf(settings)
    rememberSecretsOf({ url: settings.migrationUrl })
    this.name = settings.name ?? String(settings.connector)
    this.connector = getConnector(String(settings.connector))
    // Ignored, it would let a rolling deploy believe each version sees its own shape.
    if (settings.schemaVersion !== undefined && !this.connector.appliesSchemaVersion)
      throw new ShipshapeError(
        'INVALID_CONFIG',
        `Datasource "${this.name}": schemaVersion is for zero-downtime deploys on a PostgreSQL server, and connector "${settings.connector}" doesn't apply it. Remove it.`,
      )
    if (settings.schemaVersion !== undefined && !isVersionLabel(String(settings.schemaVersion)))
      throw new ShipshapeError('INVALID_CONFIG', `Datasource "${this.name}": schemaVersion "${settings.schemaVersion}" must be 1-20 letters, digits or underscores.`)
    for (const m of settings.models ?? []) this.attach(m)
  }

  /** The SQL dialect, or undefined for connectors without one (memory). */
  /** `console.log(ds)` shows the settings with passwords masked. */
  [inspect.custom](): object {
    return { name: this.name, connector: this.settings.connector, settings: redactValue({ ...this.settings, models: undefined }) }
  }

  get dialect(): Dialect | undefined {
    return this.connector.dialect
  }

  /** Whether automigrate/autoupdate work here (false for the memory connector). */
  get supportsMigration(): boolean {
    return !!this.connector.dialect
  }

  /** Declares that this datasource backs these models. */
  attach(...models: Array<ModelClass | ModelDefinition>): this {
    for (const m of models) {
      const def = definitionOf(m)
      this.models.set(def.name, m)
    }
    this.migrator = undefined
    return this
  }

  /** Models attached to this datasource, by name. */
  get modelNames(): string[] {
    return [...this.models.keys()]
  }

  getModel(name: string): ModelClass | ModelDefinition | undefined {
    return this.models.get(name)
  }

  /** The open connection (opened on first use). */
  connection(): Promise<Connection> {
    if (!this.conn) {
      this.conn = openConnection(this.connector, this.settings)
      this.conn.catch(() => (this.conn = undefined))
    }
    return this.conn
  }

  /**
   * The connection migrations run on: one to `migrationUrl` (a direct URL past a pooler) when the
   * config gives one, opened on first use with a small pool; otherwise `connection()`.
   */
  migrationConnection(): Promise<Connection> {
    const url = this.settings.migrationUrl
    // A schemaVersion search_path would make the migrator see the version's views, not the tables.
    if (!url && this.settings.schemaVersion === undefined) return this.connection()
    if (!this.migrationConn) {
      this.migrationConn = openConnection(this.connector, { ...this.settings, url: url ?? this.settings.url, schemaVersion: undefined, max: 2 })
      this.migrationConn.catch(() => (this.migrationConn = undefined))
    }
    return this.migrationConn
  }

  /** Runs SQL with bound parameters (in the dialect's placeholder style). */
  async execute<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return (await (await this.connection()).query<R>(sql, params)).rows
  }

  /**
   * Runs `fn` in one database transaction: committed when it returns, rolled back when it throws.
   * Repository calls join it with `{transaction: tx}`. On SQLite and PGlite (one session), calls
   * made without `tx` inside `fn` wait for the transaction to end, so always pass it.
   * @example
   *   await ds.transaction(async (tx) => {
   *     await todos.create({title: 'a'}, {transaction: tx})
   *     await todos.deleteAll({isComplete: true}, {transaction: tx})
   *   })
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const conn = await this.connection()
    return conn.transaction(async (c) => {
      const tx = new Transaction(this, c)
      try {
        return await fn(tx)
      } finally {
        tx.isActive = false
      }
    })
  }

  /** Auto-update: alters the models' tables to match them; every row is kept. Refuses data loss unless allowed. */
  async autoupdate(models?: ModelRef[] | string, options: MigrateOptions = {}): Promise<MigrationResult> {
    const defs = this.validated(models)
    return (await this.schemaMigrator()).autoupdate(defs, options)
  }

  /** Auto-migrate: drops the models' tables and creates them again. Data is lost, on purpose. */
  async automigrate(models?: ModelRef[] | string, options: MigrateOptions = {}): Promise<MigrationResult> {
    const defs = this.validated(models)
    return (await this.schemaMigrator()).automigrate(defs, options)
  }

  /** The auto-update plan, with SQL and risks, executing nothing. */
  async planAutoupdate(models?: ModelRef[] | string, options: MigrateOptions = {}): Promise<Plan> {
    const defs = this.validated(models)
    return (await this.schemaMigrator()).planAutoupdate(defs, options)
  }

  /** The auto-migrate plan, executing nothing. */
  async planAutomigrate(models?: ModelRef[] | string): Promise<Plan> {
    const defs = this.validated(models)
    return (await this.schemaMigrator()).planAutomigrate(defs)
  }

  /** The models' schema and the database's (their tables only), both normalised: what `shipshape diagram` draws. */
  async describeSchema(models?: ModelRef[] | string): Promise<{ current: Database; desired: Database }> {
    const defs = this.validated(models)
    return (await this.schemaMigrator()).schemas(defs)
  }

  /** True when the database already matches the models (auto-update would do nothing). */
  async isActual(models?: ModelRef[] | string): Promise<boolean> {
    const defs = this.validated(models)
    return (await this.schemaMigrator()).isActual(defs)
  }

  /**
   * Zero-downtime expand (PostgreSQL): applies what breaks no running version, puts the new
   * version's columns beside the old ones kept in step by triggers, exposes each version's shape as
   * views (`<schema>_v1`, `<schema>_v2`; apps pick theirs with `schemaVersion`) and backfills.
   * Run again, it resumes an interrupted backfill. See docs/zero-downtime.md.
   * @example
   *   await ds.expand()                 // models are v2; the running app is v1
   *   // deploy v2 with {schemaVersion: 'v2'}; retire v1, then:
   *   await ds.contract()
   */
  async expand(models?: ModelRef[] | string, options: ExpandOptions = {}): Promise<ExpandResult> {
    return expandModels(await this.expandTarget(models), options)
  }

  /** Ends an expand once the old version is gone: drops old columns, triggers and views, online. */
  async contract(models?: ModelRef[] | string, options: ExpandOptions & MigrateOptions = {}): Promise<ContractResult> {
    return contractModels(await this.expandTarget(models), options)
  }

  /** Phase, backfill progress and exposed versions of the latest expand. */
  async expandStatus(): Promise<ExpandStatus> {
    return expandStatus(await this.expandTarget())
  }

  /** Rolls an expand back to the old version alone, keeping every write made meanwhile. */
  async abortExpand(options: ExpandOptions = {}): Promise<{ sql: string[]; status: ExpandStatus }> {
    return abortExpand(await this.expandTarget(), options)
  }

  private async expandTarget(models?: ModelRef[] | string): Promise<ExpandTarget> {
    const defs = this.validated(models)
    const dialect = this.connector.dialect
    if (!dialect) throw new ShipshapeError('EXPAND_UNSUPPORTED', `Datasource "${this.name}" (connector "${this.settings.connector}") has no schema to expand.`)
    return {
      dialect,
      connection: await this.migrationConnection(),
      models: defs,
      allModels: [...this.models.values()].map(definitionOf),
      naming: this.settings.naming,
      schema: this.settings.schema,
      relationForeignKeys: this.settings.foreignKeyConstraints,
      name: this.name,
    }
  }

  /** LoopBack's lifecycle name for `disconnect()`. */
  stop(): Promise<void> {
    return this.disconnect()
  }

  async disconnect(): Promise<void> {
    const conn = this.conn
    const migrationConn = this.migrationConn
    this.conn = undefined
    this.migrationConn = undefined
    this.migrator = undefined
    if (conn) await (await conn.catch(() => undefined))?.close()
    if (migrationConn) await (await migrationConn.catch(() => undefined))?.close()
  }

  private async schemaMigrator(): Promise<SchemaMigrator> {
    const dialect = this.connector.dialect
    if (!dialect)
      throw new ShipshapeError(
        'MIGRATION_UNSUPPORTED',
        `Datasource "${this.name}" (connector "${this.settings.connector}") does not support migration.`,
      )
    if (!this.migrator)
      this.migrator = new SchemaMigrator({
        dialect,
        connection: await this.migrationConnection(),
        naming: this.settings.naming,
        schema: this.settings.schema,
        relationForeignKeys: this.settings.foreignKeyConstraints,
        allModels: [...this.models.values()].map(definitionOf),
        ...(canExpand(dialect) ? { gate: expandGate(this.settings.schemaVersion === undefined ? undefined : String(this.settings.schemaVersion)) } : {}),
      })
    return this.migrator
  }

  /** Resolves and maps the models once without a connection, so a bad definition fails before any SQL. */
  private validated(models?: ModelRef[] | string): ModelDefinition[] {
    const defs = this.resolve(models)
    const dialect = this.connector.dialect
    if (dialect)
      schemaFromModels(defs, dialect, { naming: this.settings.naming, defaultSchema: this.settings.schema ?? 'public', relationForeignKeys: this.settings.foreignKeyConstraints }, [
        ...new Map([...[...this.models.values()].map(definitionOf), ...defs].map((d) => [d.name, d])).values(),
      ])
    return defs
  }

  private resolve(models?: ModelRef[] | string): ModelDefinition[] {
    if (models === undefined) return [...this.models.values()].map(definitionOf)
    const list = typeof models === 'string' ? [models] : models
    return list.map((m) => {
      if (typeof m !== 'string') {
        const def = definitionOf(m)
        if (!this.models.has(def.name)) {
          this.models.set(def.name, m)
          this.migrator = undefined
        }
        return def
      }
      const found = this.models.get(m)
      if (!found)
        throw new ShipshapeError(
          'UNKNOWN_MODEL',
          `Datasource "${this.name}" has no model "${m}". Attached: ${this.modelNames.join(', ') || '(none)'}.`,
        )
      return definitionOf(found)
    })
  }
}

export function definitionOf(m: ModelClass | ModelDefinition): ModelDefinition {
  if (isModelClass(m)) return m.definition
  if (m && typeof m === 'object' && 'name' in m && 'properties' in m) {
    const def = m as ModelDefinition
    return { ...def, settings: def.settings ?? {} }
  }
  throw new ShipshapeError('INVALID_MODEL', `Not a model: ${String(m)}. Pass a @model class, a defineModel() result or a model definition.`)
}
