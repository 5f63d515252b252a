import { ShipshapeError } from '../errors.js'
import type { NamingConvention } from '../schema/naming.js'
import type { ModelClass } from '../model/entity.js'

/**
 * A connector's name: one built in, or any name given to `registerConnector` (checked when the
 * datasource connects). `string & {}` keeps editors offering the built-in names.
 */
export type ConnectorName = 'postgresql' | 'postgres' | 'pglite' | 'sqlite' | 'sqlite3' | 'mysql' | 'mariadb' | 'memory' | (string & {})

/**
 * Settings of a datasource, LoopBack style.
 * @example
 *   new DataSource({name: 'db', connector: 'postgresql', url: 'postgres://postgres@127.0.0.1/test'})
 *   new DataSource({name: 'db', connector: 'sqlite', file: './data/app.db'})
 */
export interface DataSourceConfig {
  name?: string
  connector: ConnectorName
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
   * PostgreSQL, during a zero-downtime expand: the version of the models this application runs
   * (`'v1'`, `'v2'`). Its connections put the schema of that version's views (`<schema>_<version>`)
   * first on the search_path, so repositories see the table in their version's shape. Migrations
   * use a connection without it. See docs/zero-downtime.md.
   */
  schemaVersion?: string
  /**
   * Create the foreign-key constraint of every belongsTo relation (default false: LoopBack never
   * did; a relation can ask for its own with `foreignKeyConstraint: true`).
   */
  foreignKeyConstraints?: boolean
  /**
   * A direct URL used only for migrations, when `url` goes through a transaction pooler
   * (PgBouncer): migrations take session locks and run long DDL, repositories keep the pool.
   * The CLI reads it from `DIRECT_DATABASE_URL` when the config gives none. Prisma's `directUrl`.
   * @example {connector: 'postgresql', url: 'postgres://app@pgbouncer:6432/db', migrationUrl: 'postgres://app@db:5432/db'}
   */
  migrationUrl?: string
  /** SQLite: how long a statement waits, blocking, for another process's lock, in ms (default 5000). */
  busyTimeout?: number
  /** Most connections a pool opens. */
  max?: number
  /** Models this datasource backs. */
  models?: ModelClass[]
  [key: string]: unknown
}

/**
 * A datasource config as LoopBack writes it (`*.datasource.config.json`, the `config` object of a
 * generated datasource class) in Shipshape's shape: connector module names (`loopback-connector-postgresql`)
 * become connector names, a numeric `port` given as text becomes a number, `username` is `user`.
 */
export function normalizeDataSourceConfig(config: object, fallbackName?: string): DataSourceConfig {
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw new ShipshapeError('INVALID_CONFIG', `A datasource config must be an object such as {name: 'db', connector: 'postgresql', url: '…'}.`)
  const c = { ...(config as Record<string, unknown>) }
  const name = typeof c.name === 'string' && c.name ? c.name : fallbackName
  let connector = c.connector
  if (connector && typeof connector === 'object' && typeof (connector as { name?: unknown }).name === 'string') connector = (connector as { name: string }).name
  if (typeof connector !== 'string' || !connector)
    throw new ShipshapeError(
      'INVALID_CONFIG',
      `Datasource "${name ?? '(unnamed)'}" has no connector. Set connector to 'postgresql', 'mysql', 'sqlite3', 'pglite' or 'memory'.`,
    )
  c.connector = connector.replace(/^loopback-connector-/, '').toLowerCase()
  if (typeof c.port === 'string' && /^\d+$/.test(c.port.trim())) c.port = Number(c.port)
  if (c.user === undefined && typeof c.username === 'string') c.user = c.username
  if (c.url === undefined && typeof c.connectionString === 'string') c.url = c.connectionString
  if (name !== undefined) c.name = name
  return c as DataSourceConfig
}
