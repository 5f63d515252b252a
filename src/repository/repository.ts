import type { Connection } from '../dialects/connection.js'
import type { DataSource } from '../datasource/datasource.js'
import { MemoryBackend, MemoryConnection } from '../datasource/memory/index.js'
import type { RepositoryOptions } from '../datasource/transaction.js'
import { EntityNotFoundError, ShipshapeError } from '../errors.js'
import type { Entity, ModelClass } from '../model/entity.js'
import type { RepositoryBackend, RowData } from './backend.js'
import { normalizeFilter, normalizeWhere, type Condition, type Filter, type Where } from './filter.js'
import { modelMeta, type ModelMeta } from './model-meta.js'
import { SqlBackend } from './sql-backend.js'
import { rowValues } from './validate.js'

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
export class DefaultCrudRepository<T extends Entity, ID = unknown> {
  readonly meta: ModelMeta
  private backendCache?: RepositoryBackend

  constructor(
    readonly entityClass: ModelClass<T>,
    readonly dataSource: DataSource,
  ) {
    this.meta = modelMeta(entityClass)
    // The datasource backs the models of its repositories (so migrateSchema creates their tables).
    if (!dataSource.getModel(this.meta.name)) dataSource.attach(entityClass)
  }

  private get backend(): RepositoryBackend {
    if (this.backendCache) return this.backendCache
    const ds = this.dataSource
    const connection = () => ds.connection()
    const dialect = ds.dialect
    if (dialect) this.backendCache = new SqlBackend(this.meta, dialect, connection, { naming: ds.settings.naming, schema: ds.settings.schema })
    else this.backendCache = new MemoryBackend(this.meta, async () => {
      const conn = await ds.connection()
      if (!(conn instanceof MemoryConnection))
        throw new ShipshapeError('UNSUPPORTED_CONNECTOR', `Datasource "${ds.name}" (connector "${ds.settings.connector}") has no SQL dialect and is not the memory connector; repositories cannot use it.`)
      return conn
    })
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
    const rows = await this.backend.insert([rowValues(this.meta, data, 'create')], this.conn(options))
    return this.instance(rows[0]!)
  }

  /**
   * Inserts any number of rows atomically (one transaction), in as few statements as the
   * engine's bind-parameter limit allows. Returns them in the order given.
   */
  async createAll(data: DataObject<T>[], options?: RepositoryOptions): Promise<T[]> {
    const values = data.map((d) => rowValues(this.meta, d, 'create'))
    const rows = await this.backend.insert(values, this.conn(options))
    return rows.map((r) => this.instance(r))
  }

  /** Inserts the entity when it has no id yet, otherwise replaces the stored row. */
  async save(entity: T, options?: RepositoryOptions): Promise<T> {
    const id = entity.getId()
    if (id === undefined || id === null) return this.create(entity as DataObject<T>, options)
    await this.replaceById(id as ID, entity as DataObject<T>, options)
    return entity
  }

  /** Rows matching the filter. */
  async find(filter?: Filter<T>, options?: RepositoryOptions): Promise<T[]> {
    const rows = await this.backend.find(normalizeFilter(this.meta, filter), this.conn(options))
    const out: T[] = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) out[i] = this.instance(rows[i]!)
    return out
  }

  /** The first row matching the filter, or null. */
  async findOne(filter?: Filter<T>, options?: RepositoryOptions): Promise<T | null> {
    const f = normalizeFilter(this.meta, filter)
    f.limit = 1
    const rows = await this.backend.find(f, this.conn(options))
    return rows.length ? this.instance(rows[0]!) : null
  }

  /** The row with this id; throws `EntityNotFoundError` (code ENTITY_NOT_FOUND) when there is none. */
  async findById(id: ID, filter?: Omit<Filter<T>, 'where'>, options?: RepositoryOptions): Promise<T> {
    const f = normalizeFilter(this.meta, { ...(filter ?? {}), where: undefined })
    f.where = this.idWhere(id)
    f.limit = 1
    const rows = await this.backend.find(f, this.conn(options))
    if (!rows.length) throw new EntityNotFoundError(this.meta.name, id)
    return this.instance(rows[0]!)
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
    const values = this.withoutIds(rowValues(this.meta, data, 'update'), id)
    const n = await this.backend.update(values, this.idWhere(id), this.conn(options))
    if (n === 0) throw new EntityNotFoundError(this.meta.name, id)
  }

  /** Sets the given properties on every matching row (every row without `where`). */
  async updateAll(data: DataObject<T>, where?: Where<T>, options?: RepositoryOptions): Promise<Count> {
    const values = this.withoutIds(rowValues(this.meta, data, 'update'))
    return { count: await this.backend.update(values, normalizeWhere(this.meta, where), this.conn(options)) }
  }

  /** Updates the stored row to the entity's values. */
  async update(entity: T, options?: RepositoryOptions): Promise<void> {
    await this.updateById(entity.getId() as ID, entity as DataObject<T>, options)
  }

  /** Replaces the row with this id: properties not given become null. Throws ENTITY_NOT_FOUND when there is none. */
  async replaceById(id: ID, data: DataObject<T>, options?: RepositoryOptions): Promise<void> {
    const values = this.withoutIds(rowValues(this.meta, data, 'replace'), id)
    for (const p of this.meta.properties) if (!p.isId && values[p.index] === undefined) values[p.index] = null
    const n = await this.backend.update(values, this.idWhere(id), this.conn(options))
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
