import type { NamingConvention } from '../schema/naming.js'
import type { ModelClass } from '../model/entity.js'

export type ConnectorName = 'postgresql' | 'postgres' | 'pglite' | 'sqlite' | 'sqlite3' | 'mysql' | 'memory'

/**
 * Settings of a datasource, LoopBack style.
 * @example
 *   new DataSource({name: 'db', connector: 'postgresql', url: 'postgres://postgres@127.0.0.1/test'})
 *   new DataSource({name: 'db', connector: 'sqlite', file: './data/app.db'})
 */
export interface DataSourceConfig {
  name?: string
  connector: ConnectorName | string
  /** postgres://user:pass@host:port/db, mysql://…, or for sqlite a file path / `:memory:`. */
  url?: string
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
  /** SQLite file (or `:memory:`). */
  file?: string
  /** PGlite data directory (omit for in-memory), or an existing PGlite instance as `pglite`. */
  dataDir?: string
  pglite?: unknown
  /** How unpinned model and property names become table and column names. Default 'exact'. */
  naming?: NamingConvention
  /** PostgreSQL: schema of tables whose model names none (default: the connection's current schema). */
  schema?: string
  /**
   * Create the foreign-key constraint of every belongsTo relation (default false: LoopBack never
   * did; a relation can ask for its own with `foreignKeyConstraint: true`).
   */
  foreignKeyConstraints?: boolean
  /** Most connections a pool opens. */
  max?: number
  /** Models this datasource backs. */
  models?: ModelClass[]
  [key: string]: unknown
}
