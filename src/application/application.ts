import { debug } from '../redact.js'
import { resolve } from 'node:path'
import type { DataSourceConfig } from '../datasource/config.js'
import { DataSource } from '../datasource/datasource.js'
import { migrateDataSources, type DataSourceMigrationReport, type SchemaMigrationOptions } from '../datasource/migrate-all.js'
import { ShipshapeError } from '../errors.js'
import { isModelClass, type ModelClass } from '../model/entity.js'
import { discoverArtifacts, discoverDataSourceConfigs, type BootOptions } from './boot.js'
import { applyApplicationMigrations } from '../migrations/apply-pending.js'
import { injectionsOf, type Injection } from './inject.js'
import type { LifeCycleObserver } from './lifecycle.js'


/**
 * A repository class: constructed with its datasource. `dataSourceName` says which registered
 * datasource; without it, the application's only datasource is used.
 */
export type RepositoryClass<R = unknown> = (new (dataSource: DataSource, ...injected: any[]) => R) & { dataSourceName?: string }

export interface ApplicationConfig {
  /** Folder that `boot()` searches (for a compiled app: the folder of its `application.js`). Default: the working directory. */
  projectRoot?: string
  /** Folders and file patterns of datasources, models and repositories. */
  bootOptions?: BootOptions
  /**
   * Folder of versioned migrations (relative to `projectRoot`): `migrateSchema()` then applies
   * pending migration files instead of auto-updating, and checks the result against the models.
   */
  migrations?: string
  /** With `migrations`: fail `migrateSchema()` when the migrated schema still differs from the models. Default true. */
  checkModels?: boolean
  [key: string]: unknown
}

/**
 * Owns an application's datasources, models, repositories and lifecycle observers, and migrates
 * every datasource with one call.
 * @example
 *   class TodoListApplication extends Application {
 *     constructor() { super({projectRoot: dirname(fileURLToPath(import.meta.url))}) }
 *     override async migrateSchema(options?: SchemaMigrationOptions) {
 *       const reports = await super.migrateSchema(options)
 *       const todos = await this.getRepository(TodoRepository)
 *       if (!(await todos.findOne({where: {title: 'welcome'}}))) await todos.create({title: 'welcome'})
 *       return reports
 *     }
 *   }
 *   const app = new TodoListApplication()
 *   await app.boot()            // datasources/*.datasource.js, models/*.model.js, repositories/*.repository.js
 *   await app.migrateSchema()   // auto-update every datasource ({existingSchema: 'drop'} re-creates)
 *   await app.start()
 */
export class Application {
  readonly options: ApplicationConfig
  private readonly datasourceMap = new Map<string, DataSource>()
  private readonly modelMap = new Map<string, ModelClass>()
  private readonly repositoryClasses: RepositoryClass[] = []
  private readonly repositoryInstances = new Map<RepositoryClass, unknown>()
  private readonly observers: LifeCycleObserver[] = []
  private readonly bindings = new Map<string, unknown>()
  /** Classes being constructed, to name a cycle of injections instead of overflowing the stack. */
  private readonly constructing = new Set<Function>()
  private booted?: Promise<void>
  private started: LifeCycleObserver[] = []
  /** The reports of the last `migrateSchema` (for the CLI, when an override returns nothing). */
  lastMigrationReports?: DataSourceMigrationReport[]

  constructor(options: ApplicationConfig = {}) {
    this.options = { ...options }
  }

  get projectRoot(): string {
    return this.options.projectRoot ?? process.cwd()
  }

  /** LoopBack applications set it in their constructor: `this.projectRoot = __dirname`. */
  set projectRoot(root: string) {
    this.options.projectRoot = root
  }

  /** Where `boot()` looks (LoopBack's `this.bootOptions = {...}`); see `ApplicationConfig.bootOptions`. */
  get bootOptions(): BootOptions | undefined {
    return this.options.bootOptions
  }

  set bootOptions(options: BootOptions | undefined) {
    this.options.bootOptions = options
  }

  /**
   * Binds a value under a key for `@inject(key)` (LoopBack's `app.bind(key).to(value)`), e.g. a
   * datasource's configuration: `app.bind('datasources.config.db').to({name: 'db', connector: 'sqlite3', file: 'test.db'})`.
   */
  bind(key: string): { to(value: unknown): Application } {
    return {
      to: (value: unknown) => {
        this.bindings.set(key, value)
        return this
      },
    }
  }

  isBound(key: string): boolean {
    return this.bindings.has(key)
  }

  /** What `@inject(key)` receives: a bound value, `datasources.<name>` or `repositories.<Name>`. */
  async get<T = unknown>(key: string, options: { optional?: boolean } = {}): Promise<T> {
    return this.resolveKey(key, !!options.optional) as T
  }

  /**
   * Registers a datasource: an instance, a config to make one, or a class (made with its
   * injections, e.g. LoopBack's `@inject('datasources.config.db', {optional: true})`).
   * A second one of the same name replaces the first.
   */
  dataSource(ds: DataSource | DataSourceConfig | (new (...args: any[]) => DataSource)): this {
    const instance =
      typeof ds === 'function'
        ? this.construct(ds, () => [])
        : ds instanceof DataSource || isDataSource(ds)
          ? (ds as DataSource)
          : new DataSource(ds as DataSourceConfig)
    this.datasourceMap.set(instance.name, instance)
    this.instantiateRepositories()
    return this
  }

  /** Every registered datasource, in registration order. */
  dataSources(): DataSource[] {
    return [...this.datasourceMap.values()]
  }

  getDataSource(name: string): DataSource {
    const ds = this.datasourceMap.get(name)
    if (!ds) throw new ShipshapeError('UNKNOWN_DATASOURCE', `The application has no datasource "${name}". Registered: ${[...this.datasourceMap.keys()].join(', ') || '(none)'}.`)
    return ds
  }

  /** Registers a model. It is migrated once a datasource backs it (registering its repository attaches it). */
  model(model: ModelClass): this {
    this.modelMap.set(model.definition.name, model)
    return this
  }

  getModel(name: string): ModelClass | undefined {
    return this.modelMap.get(name)
  }

  /** Registers a repository class; it is constructed with its datasource as soon as that is registered. */
  repository(repositoryClass: RepositoryClass): this {
    if (!this.repositoryClasses.includes(repositoryClass)) this.repositoryClasses.push(repositoryClass)
    this.instantiateRepositories()
    return this
  }

  /** The registered repository instance (LoopBack's `getRepository` is async too). */
  async getRepository<R>(repositoryClass: RepositoryClass<R>): Promise<R> {
    if (!this.repositoryClasses.includes(repositoryClass))
      throw new ShipshapeError(
        'UNKNOWN_REPOSITORY',
        `Repository ${repositoryClass.name} is not registered. Call app.repository(${repositoryClass.name}) or put it in repositories/ and boot().`,
      )
    return this.repositoryInstance(repositoryClass) as R
  }

  /** Adds a server, scheduler or other observer, started in order by `start()` and stopped in reverse by `stop()`. */
  lifeCycleObserver(observer: LifeCycleObserver): this {
    this.observers.push(observer)
    return this
  }

  /**
   * Discovers and registers `datasources/*.datasource.js`, `models/*.model.js` and
   * `repositories/*.repository.js` under `projectRoot` (see `bootOptions`). Runs once.
   */
  boot(): Promise<void> {
    this.booted ??= this.discover()
    return this.booted
  }

  private async discover(): Promise<void> {
    const root = this.projectRoot
    const opts = this.options.bootOptions ?? {}
    for (const { file, exports } of await discoverArtifacts(root, 'datasources', opts.datasources))
      for (const value of exports) {
        if (isDataSource(value)) this.dataSource(value as DataSource)
        else if (typeof value === 'function' && isDataSource(value.prototype)) this.dataSource(this.construct(value as new () => DataSource, () => []))
        else continue
        debug('boot: datasource from %s', file)
      }
    // LoopBack's datasource config files, for datasources no code file made.
    for (const { file, config } of await discoverDataSourceConfigs(root, opts.datasources))
      if (!this.datasourceMap.has(config.name)) {
        this.dataSource(config)
        debug('boot: datasource %s from %s', config.name, file)
      }
    for (const { file, exports } of await discoverArtifacts(root, 'models', opts.models))
      for (const value of exports)
        if (isModelClass(value)) {
          this.model(value)
          debug('boot: model %s from %s', value.definition.name, file)
        }
    for (const { file, exports } of await discoverArtifacts(root, 'repositories', opts.repositories))
      for (const value of exports)
        if (typeof value === 'function' && typeof value.prototype?.find === 'function' && typeof value.prototype?.create === 'function') {
          this.repository(value as RepositoryClass)
          debug('boot: repository %s from %s', value.name, file)
        }
  }

  /** Starts the observers in registration order. */
  async start(): Promise<void> {
    await this.boot()
    this.instantiateRepositories(true)
    for (const o of this.observers) {
      if (this.started.includes(o)) continue
      await o.start?.()
      this.started.push(o)
    }
  }

  /** Stops the started observers in reverse order, then disconnects every datasource. */
  async stop(): Promise<void> {
    while (this.started.length) await this.started.pop()!.stop?.()
    for (const ds of this.dataSources()) await ds.disconnect()
  }

  /**
   * Migrates the models every datasource backs: auto-update by default, auto-migrate with
   * `{existingSchema: 'drop'}`. A datasource that can't migrate (memory) is skipped with a debug
   * line (NODE_DEBUG=shipshape). Returns a report per datasource (also kept as
   * `lastMigrationReports`). Override it to seed data after calling `super.migrateSchema(options)`;
   * the override need not return anything (hence `| void`).
   */
  async migrateSchema(options?: SchemaMigrationOptions): Promise<DataSourceMigrationReport[] | void> {
    this.instantiateRepositories(true)
    if (this.options.migrations && options?.existingSchema !== 'drop') {
      const dir = resolve(this.projectRoot, this.options.migrations)
      const checkModels = this.options.checkModels
      this.lastMigrationReports = await applyApplicationMigrations(this.dataSources(), {
        dir,
        lockTimeout: options?.lockTimeout,
        app: this,
        checkModels,
        dryRun: options?.dryRun,
      })
      return this.lastMigrationReports
    }
    this.lastMigrationReports = await migrateDataSources(this.dataSources(), options)
    return this.lastMigrationReports
  }

  private instantiateRepositories(strict = false) {
    for (const r of this.repositoryClasses) {
      if (this.repositoryInstances.has(r)) continue
      if (!strict && !this.canConstruct(r)) continue
      this.repositoryInstance(r)
    }
  }

  /** Whether a repository's datasource and injected values are all there yet. */
  private canConstruct(r: RepositoryClass): boolean {
    const { params } = injectionsOf(r)
    if (!params.length) return !!this.findDataSource(r)
    return params.every((p) => !p || p.kind === 'getter' || p.isOptional || this.isResolvable(p.key))
  }

  private isResolvable(key: string | Function): boolean {
    if (typeof key === 'function') return true
    if (this.bindings.has(key)) return true
    if (key.startsWith('datasources.')) return this.datasourceMap.has(key.slice('datasources.'.length))
    return key.startsWith('repositories.') && this.repositoryClasses.some((c) => c.name === key.slice('repositories.'.length))
  }

  /** What an injection point receives (a getter resolves when called, so repositories may refer to each other). */
  private resolveInjection(injection: Injection): unknown {
    if (injection.kind === 'getter') return async () => this.resolveKey(injection.key, !!injection.isOptional)
    return this.resolveKey(injection.key, !!injection.isOptional)
  }

  private resolveKey(key: string | Function, isOptional: boolean): unknown {
    if (typeof key === 'function') {
      if (!this.repositoryClasses.includes(key as RepositoryClass)) this.repository(key as RepositoryClass)
      return this.repositoryInstance(key as RepositoryClass)
    }
    if (this.bindings.has(key)) return this.bindings.get(key)
    if (key.startsWith('datasources.') && !key.startsWith('datasources.config.')) {
      const ds = this.datasourceMap.get(key.slice('datasources.'.length))
      if (ds) return ds
    }
    if (key.startsWith('repositories.')) {
      const r = this.repositoryClasses.find((c) => c.name === key.slice('repositories.'.length))
      if (r) return this.repositoryInstance(r)
    }
    if (isOptional) return undefined
    throw new ShipshapeError(
      'UNRESOLVED_INJECTION',
      `Nothing is bound to "${key}". Register it (a datasource named so, a repository class, or app.bind('${key}').to(value)), ` +
        `or mark the injection {optional: true}.`,
    )
  }

  /** A class instance with its constructor parameters and properties injected; `fallback` gives the arguments of a class without injected parameters. */
  private construct<T>(cls: new (...args: any[]) => T, fallback: () => unknown[]): T {
    if (this.constructing.has(cls))
      throw new ShipshapeError(
        'UNRESOLVED_INJECTION',
        `${cls.name} depends on itself through its injections (${[...this.constructing].map((c) => c.name).join(' → ')} → ${cls.name}). Inject a getter (@repository.getter) on one side.`,
      )
    this.constructing.add(cls)
    try {
      const { params, properties } = injectionsOf(cls)
      const args = params.length ? Array.from({ length: params.length }, (_, i) => (params[i] ? this.resolveInjection(params[i]!) : undefined)) : fallback()
      const instance = new cls(...args)
      for (const [name, injection] of Object.entries(properties)) (instance as Record<string, unknown>)[name] = this.resolveInjection(injection)
      return instance
    } finally {
      this.constructing.delete(cls)
    }
  }

  private findDataSource(r: RepositoryClass): DataSource | undefined {
    if (r.dataSourceName) return this.datasourceMap.get(r.dataSourceName)
    return this.datasourceMap.size === 1 ? this.dataSources()[0] : undefined
  }

  private repositoryInstance(r: RepositoryClass): unknown {
    let instance = this.repositoryInstances.get(r)
    if (instance) return instance
    if (injectionsOf(r).params.length) {
      instance = this.construct(r, () => [])
      this.repositoryInstances.set(r, instance)
      return instance
    }
    const ds = this.findDataSource(r)
    if (!ds) {
      const names = [...this.datasourceMap.keys()]
      throw new ShipshapeError(
        'UNKNOWN_DATASOURCE',
        r.dataSourceName
          ? `Repository ${r.name} uses datasource "${r.dataSourceName}", which is not registered (registered: ${names.join(', ') || 'none'}).`
          : `Repository ${r.name} declares no static dataSourceName and the application has ${names.length} datasources (${names.join(', ') || 'none'}). Add \`static dataSourceName = '…'\`.`,
      )
    }
    instance = this.construct(r, () => [ds])
    this.repositoryInstances.set(r, instance)
    return instance
  }
}

/** Duck-typed, so a datasource made by another copy of the package is recognised too. */
function isDataSource(value: unknown): boolean {
  const v = value as Partial<DataSource> | null
  return !!v && typeof v === 'object' && typeof v.autoupdate === 'function' && typeof v.connection === 'function' && typeof v.attach === 'function'
}
