import type { Connection } from '../dialects/connection.js'
import type { DataSource } from '../datasource/datasource.js'
import type { RepositoryOptions } from '../datasource/transaction.js'
import { EntityNotFoundError, ShipshapeError } from '../errors.js'
import type { ModelDefinition } from '../model/definition.js'
import { Entity, isModelClass, type ModelClass } from '../model/entity.js'
import { relationsOf, resolveRelation, type ResolvedRelation } from '../model/relations.js'
import type { RepositoryBackend, RowData } from './backend.js'
import { normalizeFilter, normalizeWhere, type Condition, type Filter, type Where } from './filter.js'
import { modelMeta, type ModelMeta } from './model-meta.js'
import {
  belongsToAccessor,
  hasManyFactory,
  hasOneFactory,
  referencesManyAccessor,
  type BelongsToAccessor,
  type HasManyRepositoryFactory,
  type HasOneRepositoryFactory,
  type ReferencesManyAccessor,
  type RelatedRepository,
} from './relations/accessors.js'
import { createInclusionResolver, normalizeInclusions, withField, type Getter, type Inclusion, type InclusionResolver } from './relations/include.js'
import { MemoryBackend } from './memory-backend.js'
import { SqlBackend } from './sql-backend.js'
import { rowValues } from './validate.js'

/** The first repository made for each model of a datasource: relations reach their targets through it. */
const repositoriesOf = new WeakMap<DataSource, Map<string, DefaultCrudRepository<any, any, any>>>()

/** A class for a model attached by definition only (JSON), so a repository can make instances. */
const classesOf = new WeakMap<ModelDefinition, ModelClass>()
function classOf(m: ModelClass | ModelDefinition): ModelClass {
  if (isModelClass(m)) return m
  let cls = classesOf.get(m)
  if (!cls) {
    cls = { [m.name]: class extends Entity {} }[m.name]! as unknown as ModelClass
    Object.defineProperty(cls, 'definition', { value: m, enumerable: true, configurable: true })
    classesOf.set(m, cls)
  }
  return cls
}

/** Property values for a write: any subset of the model's properties. */
export type DataObject<T extends object> = { [P in keyof T]?: T[P] | null }

/** How many rows a bulk update or delete touched (LoopBack's `Count`). */
export interface Count {
  count: number
}

/**
 * LoopBack's `DefaultCrudRepository`: create, read, update and delete rows of one model on one
 * datasource, with LoopBack's filter language. Values are always bound parameters; identifiers
 * come from the model's mapping, quoted. Rows come back as model instances with JS types.
 * @example
 *   class TodoRepository extends DefaultCrudRepository<Todo, number> {
 *     static dataSourceName = 'db'
 *     constructor(ds: DataSource) { super(Todo, ds) }
 *   }
 *   const todos = new TodoRepository(ds)
 *   const t = await todos.create({title: 'milk'})
 *   await todos.find({where: {isComplete: false}, order: 'createdAt DESC', limit: 10})
 *   await todos.updateById(t.id, {isComplete: true})
 */
export class DefaultCrudRepository<T extends Entity, ID = unknown, Relations extends object = {}> {
  readonly meta: ModelMeta
  private backendCache?: RepositoryBackend
  /** Resolvers of `include` by relation name (LoopBack's `inclusionResolvers`); relations without one use the target model's repository on this datasource. */
  readonly inclusionResolvers = new Map<string, InclusionResolver>()
  private readonly relationCache = new Map<string, ResolvedRelation>()
  private readonly relationNames: Set<string>
  private readonly isStrict: boolean

  constructor(
    readonly entityClass: ModelClass<T>,
    readonly dataSource: DataSource,
  ) {
    this.meta = modelMeta(entityClass)
    // The datasource backs the models of its repositories (so migrateSchema creates their tables).
    if (!dataSource.getModel(this.meta.name)) dataSource.attach(entityClass)
    let byModel = repositoriesOf.get(dataSource)
    if (!byModel) repositoriesOf.set(dataSource, (byModel = new Map()))
    if (!byModel.has(this.meta.name)) byModel.set(this.meta.name, this)
    const def = this.meta.definition
    this.relationNames = new Set(Object.entries(relationsOf(def)).map(([k, r]) => r.name ?? k))
    this.isStrict = def.settings?.strict !== false
  }

  /** A relation of the model, resolved (targets looked up among the datasource's models). */
  relation(name: string): ResolvedRelation {
    let rel = this.relationCache.get(name)
    if (!rel) {
      const key = Object.entries(relationsOf(this.meta.definition)).find(([k, r]) => (r.name ?? k) === name)?.[0] ?? name
      rel = { ...resolveRelation(this.meta.definition, key, (n) => this.dataSource.getModel(n)), name }
      this.relationCache.set(name, rel)
    }
    return rel
  }

  /** The target's repository: the getter given, else the first repository of the target model on this datasource (made if none). */
  private targetGetter<R>(rel: ResolvedRelation, getter?: Getter<R> | R): Getter<R> {
    if (typeof getter === 'function') return getter as Getter<R>
    if (getter) return async () => getter
    return async () => {
      const existing = repositoriesOf.get(this.dataSource)?.get(rel.target.name)
      if (existing) return existing as R
      return new DefaultCrudRepository(rel.targetClass ?? classOf(this.dataSource.getModel(rel.target.name) ?? rel.target), this.dataSource) as R
    }
  }

  /** Registers how `include: ['name']` reads a relation (the `inclusionResolver` of an accessor, or your own). */
  registerInclusionResolver(relationName: string, resolver: InclusionResolver): void {
    this.inclusionResolvers.set(relationName, resolver)
  }

  /**
   * `this.todos = this.createHasManyRepositoryFactoryFor('todos', todoRepositoryGetter)`: then
   * `todos(listId).find/create/patch/delete` work on that list's todos. The getter is optional.
   */
  createHasManyRepositoryFactoryFor<Target extends Entity, TargetID = unknown, ForeignKeyType = ID>(
    relationName: string,
    targetRepositoryGetter?: Getter<RelatedRepository<Target>> | RelatedRepository<Target>,
  ): HasManyRepositoryFactory<Target, ForeignKeyType> {
    const rel = this.relationOfType(relationName, 'hasMany')
    return hasManyFactory<Target>(rel, this.targetGetter(rel, targetRepositoryGetter)) as HasManyRepositoryFactory<Target, ForeignKeyType>
  }

  /** `image(listId).get/create/patch/delete` for a hasOne relation. */
  createHasOneRepositoryFactoryFor<Target extends Entity, TargetID = unknown, ForeignKeyType = ID>(
    relationName: string,
    targetRepositoryGetter?: Getter<RelatedRepository<Target>> | RelatedRepository<Target>,
  ): HasOneRepositoryFactory<Target, ForeignKeyType> {
    const rel = this.relationOfType(relationName, 'hasOne')
    return hasOneFactory<Target>(rel, this.targetGetter(rel, targetRepositoryGetter)) as HasOneRepositoryFactory<Target, ForeignKeyType>
  }

  /** `todoList(todoId)`: the row a belongsTo relation points at. */
  createBelongsToAccessorFor<Target extends Entity, TargetID = unknown>(
    relationName: string,
    targetRepositoryGetter?: Getter<RelatedRepository<Target>> | RelatedRepository<Target>,
  ): BelongsToAccessor<Target, ID> {
    const rel = this.relationOfType(relationName, 'belongsTo')
    return belongsToAccessor<Target>(rel, this.targetGetter(rel, targetRepositoryGetter), (id, o) => this.findById(id as ID, undefined, o)) as BelongsToAccessor<Target, ID>
  }

  /** `accounts(customerId)`: the rows a referencesMany property lists. */
  createReferencesManyAccessorFor<Target extends Entity, TargetID = unknown>(
    relationName: string,
    targetRepositoryGetter?: Getter<RelatedRepository<Target>> | RelatedRepository<Target>,
  ): ReferencesManyAccessor<Target, ID> {
    const rel = this.relationOfType(relationName, 'referencesMany')
    return referencesManyAccessor<Target>(rel, this.targetGetter(rel, targetRepositoryGetter), (id, o) => this.findById(id as ID, undefined, o)) as ReferencesManyAccessor<Target, ID>
  }

  private relationOfType(name: string, type: ResolvedRelation['type']): ResolvedRelation {
    const rel = this.relation(name)
    if (rel.type !== type)
      throw new ShipshapeError('INVALID_RELATION', `Model "${this.meta.name}" relation "${name}" is ${rel.type}, not ${type}.`)
    return rel
  }

  /** Resolves `include` on entities just read: one query per relation (and per nested level). */
  private async includeRelated(entities: T[], inclusions: Inclusion[], options?: RepositoryOptions): Promise<void> {
    await Promise.all(
      inclusions.map(async (inclusion) => {
        const name = inclusion.relation
        let resolver = this.inclusionResolvers.get(name)
        if (!resolver) {
          if (!this.relationNames.has(name))
            throw new ShipshapeError(
              'INVALID_INCLUSION_FILTER',
              `Invalid "include" on model "${this.meta.name}": it has no relation "${name}". ` +
                `Relations: ${[...this.relationNames, ...this.inclusionResolvers.keys()].join(', ') || '(none)'}.`,
            )
          const rel = this.relation(name)
          resolver = createInclusionResolver(rel, this.targetGetter(rel))
          this.inclusionResolvers.set(name, resolver)
        }
        const related = await resolver(entities, inclusion, options)
        for (let i = 0; i < entities.length; i++) if (related[i] !== undefined) (entities[i] as Record<string, unknown>)[name] = related[i]
      }),
    )
  }

  /** Reads rows for a filter that may `include` relations; keys the relations need are read even when `fields` leaves them out. */
  private async findWith(filter: (Filter<T> & { include?: unknown }) | undefined, options: RepositoryOptions | undefined, shape: (f: ReturnType<typeof normalizeFilter>) => void): Promise<T[]> {
    const include = filter?.include
    if (include === undefined || include === null) {
      const f = normalizeFilter(this.meta, filter)
      shape(f)
      return this.instances(await this.backend.find(f, this.conn(options)))
    }
    const inclusions = normalizeInclusions(this.meta.name, include)
    const { include: _i, ...rest } = filter as Filter<T> & { include?: unknown }
    let fields: unknown = rest.fields
    const added: string[] = []
    for (const inc of inclusions) {
      if (!this.relationNames.has(inc.relation)) continue
      const selected = withField(fields, this.relation(inc.relation).keyFrom)
      fields = selected.fields
      if (selected.isAdded) added.push(this.relation(inc.relation).keyFrom)
    }
    const f = normalizeFilter(this.meta, { ...rest, fields } as Filter<T>)
    shape(f)
    const entities = this.instances(await this.backend.find(f, this.conn(options)))
    if (entities.length) await this.includeRelated(entities, inclusions, options)
    for (const e of entities) for (const k of added) delete (e as Record<string, unknown>)[k]
    return entities
  }

  private instances(rows: RowData[]): T[] {
    const out: T[] = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) out[i] = this.instance(rows[i]!)
    return out
  }

  /**
   * Runs SQL on this repository's datasource (in the transaction, if given) and returns the rows.
   * Placeholders are the dialect's own: `$1` on PostgreSQL, `?` on SQLite and MySQL.
   * @example
   *   await todos.execute('SELECT count(*) AS n FROM "Todo" WHERE "isComplete" = $1', [true])
   */
  async execute<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = [], options?: RepositoryOptions): Promise<R[]> {
    if (!Array.isArray(params))
      throw new ShipshapeError('INVALID_ARGUMENT', `Model "${this.meta.name}": execute() takes its parameters as an array (positional placeholders).`)
    const conn = this.conn(options) ?? (await this.dataSource.connection())
    return (await conn.query<R>(sql, params)).rows
  }

  /**
   * Checks write data beyond the property types: relation names are refused (LoopBack's
   * navigational-property rule); on a `strict: false` model unknown properties are set aside.
   */
  private writable(data: object): { data: object; extras?: Record<string, unknown> } {
    if (data === null || typeof data !== 'object') return { data }
    const src = data as Record<string, unknown>
    if (this.relationNames.size)
      for (const name of this.relationNames)
        if (src[name] !== undefined)
          throw new ShipshapeError(
            'VALIDATION_FAILED',
            `The ${this.meta.name} instance is not valid: "${name}" is a relation (navigational property), not data. ` +
              `Remove it, and write related rows through their own repository or the relation's accessor.`,
          )
    if (this.isStrict) return { data }
    let extras: Record<string, unknown> | undefined
    let known: Record<string, unknown> | undefined
    for (const k of Object.keys(src)) {
      if (this.meta.byName.has(k) || src[k] === undefined) continue
      known ??= { ...src }
      extras ??= {}
      extras[k] = src[k]
      delete known[k]
    }
    return known ? { data: known, extras } : { data }
  }

  private get backend(): RepositoryBackend {
    if (this.backendCache) return this.backendCache
    const ds = this.dataSource
    const connection = () => ds.connection()
    const dialect = ds.dialect
    // Under schemaVersion, unqualified names let the search_path pick the version's view (zero-downtime expand).
    const schema = ds.settings.schemaVersion === undefined ? ds.settings.schema : undefined
    if (dialect) this.backendCache = new SqlBackend(this.meta, dialect, connection, { naming: ds.settings.naming, schema })
    else this.backendCache = new MemoryBackend(this.meta, connection, `Datasource "${ds.name}" (connector "${ds.settings.connector}")`)
    return this.backendCache
  }

  /** The transaction's connection, after checking it belongs to this datasource and is still open. */
  private conn(options?: RepositoryOptions): Connection | undefined {
    const tx = options?.transaction
    if (!tx) return undefined
    if (tx.dataSource !== this.dataSource)
      throw new ShipshapeError(
        'INVALID_TRANSACTION',
        `Model "${this.meta.name}": the transaction belongs to datasource "${tx.dataSource.name}", ` +
          `but this repository uses "${this.dataSource.name}". Open the transaction on "${this.dataSource.name}".`,
      )
    if (!tx.isActive)
      throw new ShipshapeError('INVALID_TRANSACTION', `Model "${this.meta.name}": the transaction has already ended. Make every call inside the transaction's function.`)
    return tx.connection
  }

  private instance(data: RowData): T {
    return new this.entityClass(data as Partial<T>)
  }

  /** A where clause matching the id (an object of id values for composite keys). */
  private idWhere(id: unknown): Condition {
    const ids = this.meta.ids
    if (ids.length === 1) return normalizeWhere(this.meta, { [ids[0]!.name]: id ?? null })!
    if (typeof id !== 'object' || id === null)
      throw new ShipshapeError('INVALID_ID', `Model "${this.meta.name}" has a composite id; pass {${ids.map((p) => p.name).join(', ')}}.`)
    const o = id as Record<string, unknown>
    return normalizeWhere(this.meta, Object.fromEntries(ids.map((p) => [p.name, o[p.name] ?? null])))!
  }

  /** Ids are not updated in place: given in data, they must equal the id addressed. */
  private withoutIds(values: unknown[], id?: unknown): unknown[] {
    for (const p of this.meta.ids) {
      const v = values[p.index]
      if (v === undefined) continue
      const target = this.meta.ids.length === 1 ? id : (id as Record<string, unknown> | undefined)?.[p.name]
      if (id === undefined || String(v) !== String(target))
        throw new ShipshapeError('INVALID_DATA', `Model "${this.meta.name}": id property "${p.name}" cannot be changed by an update.`)
      values[p.index] = undefined
    }
    return values
  }

  /** Inserts one row; returns it as stored (generated id and database defaults filled in). */
  async create(data: DataObject<T>, options?: RepositoryOptions): Promise<T> {
    const w = this.writable(data)
    const rows = await this.backend.insert([rowValues(this.meta, w.data, 'create')], this.conn(options), w.extras && [w.extras])
    return this.instance(w.extras ? { ...w.extras, ...rows[0]! } : rows[0]!)
  }

  /**
   * Inserts any number of rows atomically (one transaction), in as few statements as the
   * engine's bind-parameter limit allows. Returns them in the order given.
   */
  async createAll(data: DataObject<T>[], options?: RepositoryOptions): Promise<T[]> {
    const ws = data.map((d) => this.writable(d))
    const values = ws.map((w) => rowValues(this.meta, w.data, 'create'))
    const hasExtras = ws.some((w) => w.extras)
    const rows = await this.backend.insert(values, this.conn(options), hasExtras ? ws.map((w) => w.extras) : undefined)
    return rows.map((r, i) => this.instance(ws[i]!.extras ? { ...ws[i]!.extras, ...r } : r))
  }

  /** Inserts the entity when it has no id yet, otherwise replaces the stored row. */
  async save(entity: T, options?: RepositoryOptions): Promise<T> {
    const id = entity.getId()
    if (id === undefined || id === null) return this.create(entity as DataObject<T>, options)
    await this.replaceById(id as ID, entity as DataObject<T>, options)
    return entity
  }

  /** Rows matching the filter. */
  async find(filter?: Filter<T>, options?: RepositoryOptions): Promise<(T & Relations)[]> {
    if (filter?.include === undefined) {
      const rows = await this.backend.find(normalizeFilter(this.meta, filter), this.conn(options))
      return this.instances(rows) as (T & Relations)[]
    }
    return (await this.findWith(filter, options, () => {})) as (T & Relations)[]
  }

  /** The first row matching the filter, or null. */
  async findOne(filter?: Filter<T>, options?: RepositoryOptions): Promise<(T & Relations) | null> {
    const rows = await this.findWith(filter, options, (f) => (f.limit = 1))
    return rows.length ? (rows[0]! as T & Relations) : null
  }

  /** The row with this id; throws `EntityNotFoundError` (code ENTITY_NOT_FOUND) when there is none. */
  async findById(id: ID, filter?: Omit<Filter<T>, 'where'>, options?: RepositoryOptions): Promise<T & Relations> {
    const where = this.idWhere(id)
    const rows = await this.findWith({ ...(filter ?? {}), where: undefined } as Filter<T>, options, (f) => {
      f.where = where
      f.limit = 1
    })
    if (!rows.length) throw new EntityNotFoundError(this.meta.name, id)
    return rows[0]! as T & Relations
  }

  /** How many rows match. */
  async count(where?: Where<T>, options?: RepositoryOptions): Promise<Count> {
    return { count: await this.backend.count(normalizeWhere(this.meta, where), this.conn(options)) }
  }

  /** Whether a row with this id exists. */
  async exists(id: ID, options?: RepositoryOptions): Promise<boolean> {
    return (await this.backend.count(this.idWhere(id), this.conn(options))) > 0
  }

  /** Sets the given properties on the row with this id; throws ENTITY_NOT_FOUND when there is none. */
  async updateById(id: ID, data: DataObject<T>, options?: RepositoryOptions): Promise<void> {
    const w = this.writable(data)
    const values = this.withoutIds(rowValues(this.meta, w.data, 'update'), id)
    const n = await this.backend.update(values, this.idWhere(id), this.conn(options), w.extras)
    if (n === 0) throw new EntityNotFoundError(this.meta.name, id)
  }

  /** Sets the given properties on every matching row (every row without `where`). */
  async updateAll(data: DataObject<T>, where?: Where<T>, options?: RepositoryOptions): Promise<Count> {
    const w = this.writable(data)
    const values = this.withoutIds(rowValues(this.meta, w.data, 'update'))
    return { count: await this.backend.update(values, normalizeWhere(this.meta, where), this.conn(options), w.extras) }
  }

  /** Updates the stored row to the entity's values. */
  async update(entity: T, options?: RepositoryOptions): Promise<void> {
    await this.updateById(entity.getId() as ID, entity as DataObject<T>, options)
  }

  /** Replaces the row with this id: properties not given become null. Throws ENTITY_NOT_FOUND when there is none. */
  async replaceById(id: ID, data: DataObject<T>, options?: RepositoryOptions): Promise<void> {
    const w = this.writable(data)
    const values = this.withoutIds(rowValues(this.meta, w.data, 'replace'), id)
    for (const p of this.meta.properties) if (!p.isId && values[p.index] === undefined) values[p.index] = null
    const n = await this.backend.update(values, this.idWhere(id), this.conn(options), w.extras, true)
    if (n === 0) throw new EntityNotFoundError(this.meta.name, id)
  }

  /** Deletes the row with this id; throws ENTITY_NOT_FOUND when there is none. */
  async deleteById(id: ID, options?: RepositoryOptions): Promise<void> {
    const n = await this.backend.delete(this.idWhere(id), this.conn(options))
    if (n === 0) throw new EntityNotFoundError(this.meta.name, id)
  }

  /** Deletes the entity's row. */
  async delete(entity: T, options?: RepositoryOptions): Promise<void> {
    await this.deleteById(entity.getId() as ID, options)
  }

  /** Deletes every matching row (every row without `where`). */
  async deleteAll(where?: Where<T>, options?: RepositoryOptions): Promise<Count> {
    return { count: await this.backend.delete(normalizeWhere(this.meta, where), this.conn(options)) }
  }
}
