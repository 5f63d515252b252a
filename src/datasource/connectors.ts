import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import { postgresDialect } from '../dialects/postgres/index.js'
import { quotePostgresIdentifier } from '../dialects/postgres/quote.js'
import { isVersionLabel, versionSchema } from '../expand/expand-table.js'
import { PgliteConnection, PgPoolConnection } from '../dialects/postgres/connection.js'
import { sqliteDialect } from '../dialects/sqlite/index.js'
import { SqliteConnection } from '../dialects/sqlite/connection.js'
import { mysqlDialect } from '../dialects/mysql/index.js'
import { MysqlPoolConnection } from '../dialects/mysql/connection.js'
import { ConnectionError, DatabaseMissingError, redactUrl, ShipshapeError } from '../errors.js'
import { rememberSecretsOf } from '../redact.js'
import type { DataSourceConfig } from './config.js'
import { memoryConnector } from './memory/index.js'
import { ensureDialect } from '../dialects/registry.js'
import { importOptional } from '../optional-packages.js'

/** A connector: how to reach an engine, and which dialect speaks to it. */
export interface Connector {
  readonly dialect?: Dialect
  connect(config: DataSourceConfig): Promise<Connection>
  /** Where it points, for messages (password redacted). */
  describe(config: DataSourceConfig): string
  /** What to check when connecting fails (default: the server and the URL). */
  readonly hint?: string
  /** Said while connecting takes long enough to look like a hang (PGlite starts an embedded server: seconds). */
  readonly startingNote?: string
  /**
   * Settings of an empty database standing in for this one while it does not exist yet (a SQLite
   * file not created), so a dry run plans against it and creates nothing. Undefined when it exists.
   */
  standInWhileMissing?(config: DataSourceConfig): DataSourceConfig | undefined
  /** The database `config` names, when `error` (from connecting) says it does not exist on the server. */
  missingDatabase?(error: unknown, config: DataSourceConfig): string | undefined
  /** Creates the database `config` names, through the server's maintenance database. */
  createDatabase?(config: DataSourceConfig): Promise<void>
  /** Whether its connections honour `schemaVersion` (a version's view schema first on the search path). */
  readonly appliesSchemaVersion?: boolean
}

/** The database a config names: `database`, else the URL's path. */
function databaseName(c: DataSourceConfig): string | undefined {
  if (c.database) return c.database
  if (!c.url) return undefined
  try {
    return decodeURIComponent(new URL(c.url).pathname.slice(1)) || undefined
  } catch {
    return undefined
  }
}

/** The same server settings pointed at another database (`''`: none). */
function onDatabase(c: DataSourceConfig, database: string): DataSourceConfig {
  const out: DataSourceConfig = { ...c, database: database || undefined }
  if (c.url) {
    const u = new URL(c.url)
    u.pathname = `/${encodeURIComponent(database)}`
    out.url = u.toString()
  }
  return out
}

/** Opens `config` on another database of its server, runs one statement, closes. */
async function onServer(connector: Connector, config: DataSourceConfig, database: string, sql: string) {
  const conn = await connector.connect({ ...onDatabase(config, database), max: 1 })
  try {
    await conn.exec(sql)
  } finally {
    await conn.close()
  }
}

const postgresConnector: Connector = {
  dialect: postgresDialect,
  appliesSchemaVersion: true,
  describe: (c) => redactUrl(c.url ?? `postgres://${c.user ?? ''}@${c.host ?? 'localhost'}:${c.port ?? 5432}/${c.database ?? ''}`),
  async connect(c) {
    const conn = new PgPoolConnection({
      ...(c.url ? { connectionString: c.url } : {}),
      host: c.host,
      port: c.port,
      user: c.user,
      password: c.password,
      database: c.database,
      max: c.max ?? 10,
      connectionTimeoutMillis: 10_000,
      ...versionSearchPath(c),
    })
    await conn.query('SELECT 1')
    return conn
  },
  // invalid_catalog_name: https://www.postgresql.org/docs/current/errcodes-appendix.html
  missingDatabase: (e, c) => ((e as { code?: string })?.code === '3D000' ? databaseName(c) : undefined),
  async createDatabase(c) {
    const name = databaseName(c)
    if (!name) throw new ShipshapeError('INVALID_CONFIG', `Datasource "${c.name ?? c.connector}" names no database to create.`)
    await onServer(postgresConnector, c, 'postgres', `CREATE DATABASE ${postgresDialect.quoteIdentifier(name)}`)
  },
}

/** `schemaVersion`: the version's view schema first on every session's search_path (set at connect, no extra round trip). */
function versionSearchPath(c: DataSourceConfig): { options?: string } {
  if (c.schemaVersion === undefined) return {}
  const base = c.schema ?? 'public'
  const version = String(c.schemaVersion)
  if (!isVersionLabel(version))
    throw new ShipshapeError('INVALID_CONFIG', `schemaVersion "${version}" must be 1-20 letters, digits or underscores.`)
  // Named as the expand names it (cut and hashed past the identifier limit), and quoted.
  const path = [versionSchema(base, version, postgresDialect.capabilities.maxIdentifierLength), base].map(quotePostgresIdentifier).join(',')
  // The server splits `options` at unescaped whitespace; a backslash escapes the next character.
  return { options: `-c search_path=${path.replace(/[\\\s]/g, (ch) => `\\${ch}`)}` }
}

const pgliteConnector: Connector = {
  dialect: postgresDialect,
  startingNote: 'Starting PGlite (PostgreSQL in WebAssembly; the first start takes a while)',
  describe: (c) => `pglite:${c.dataDir ?? (c.pglite ? '(instance)' : 'memory')}`,
  async connect(c) {
    if (c.pglite) return new PgliteConnection(c.pglite as ConstructorParameters<typeof PgliteConnection>[0], false)
    const { PGlite } = await importOptional<typeof import('@electric-sql/pglite')>('@electric-sql/pglite')
    const db = c.dataDir ? new PGlite(c.dataDir) : new PGlite()
    await db.waitReady
    return new PgliteConnection(db)
  },
}

/** The file a SQLite datasource opens: `file`, or the path of a `sqlite:` / `file:` URL. */
function sqliteFile(c: DataSourceConfig): string {
  return c.file ?? (c.url ? c.url.replace(/^(sqlite:(\/\/)?|file:)/, '') : ':memory:')
}

const isInMemory = (file: string) => file === '' || file === ':memory:' || file.startsWith('file::memory:')

const sqliteConnector: Connector = {
  dialect: sqliteDialect,
  describe: (c) => `sqlite:${c.file ?? c.url ?? ':memory:'}`,
  hint: 'Check the path: its folder must exist and be writable.',
  async connect(c) {
    const file = sqliteFile(c)
    // better-sqlite3 creates the file but not its folder, and says only "unable to open database file".
    if (!isInMemory(file) && !existsSync(dirname(resolve(file))))
      throw new ConnectionError(
        `Cannot open the SQLite file of datasource "${c.name ?? c.connector}": its folder ${dirname(resolve(file))} does not exist. ` +
          `Create the folder (mkdir -p ${dirname(resolve(file))}) or fix the path (${file}).`,
      )
    return SqliteConnection.open(file, typeof c.busyTimeout === 'number' ? { busyTimeoutMs: c.busyTimeout } : {})
  },
  standInWhileMissing(c) {
    const file = sqliteFile(c)
    return isInMemory(file) || existsSync(file) ? undefined : { ...c, file: ':memory:', url: undefined }
  },
}

const mysqlConnector: Connector = {
  dialect: mysqlDialect,
  describe: (c) => redactUrl(c.url ?? `mysql://${c.user ?? ''}@${c.host ?? 'localhost'}:${c.port ?? 3306}/${c.database ?? ''}`),
  async connect(c) {
    const conn = new MysqlPoolConnection({
      url: c.url,
      host: c.host,
      port: c.port,
      user: c.user,
      password: c.password,
      database: c.database,
      max: c.max,
    })
    try {
      await conn.query('SELECT 1')
    } catch (e) {
      await conn.close().catch(() => {})
      throw e
    }
    return conn
  },
  // ER_BAD_DB_ERROR (1049), MySQL and MariaDB alike.
  missingDatabase: (e, c) => ((e as { code?: string })?.code === 'ER_BAD_DB_ERROR' ? databaseName(c) : undefined),
  async createDatabase(c) {
    const name = databaseName(c)
    if (!name) throw new ShipshapeError('INVALID_CONFIG', `Datasource "${c.name ?? c.connector}" names no database to create.`)
    await onServer(mysqlConnector, c, '', `CREATE DATABASE ${mysqlDialect.quoteIdentifier(name)}`)
  },
}

const registry = new Map<string, Connector>([
  ['postgresql', postgresConnector],
  ['postgres', postgresConnector],
  ['pglite', pgliteConnector],
  ['sqlite', sqliteConnector],
  ['sqlite3', sqliteConnector],
  ['mysql', mysqlConnector],
  ['mariadb', mysqlConnector],
  ['memory', memoryConnector],
])

/**
 * Adds a connector under a name, and its dialect to the dialect registry when the dialect's name
 * is new (see `registerDialect`; a variant reusing a known name must read the same settings key).
 * @example
 *   registerConnector('libsql', { dialect: libsqlDialect, connect: openLibsql, describe: (c) => `libsql:${c.url}` })
 */
export function registerConnector(name: string, connector: Connector) {
  if (typeof name !== 'string' || name === '') throw new ShipshapeError('INVALID_CONFIG', 'A connector needs a non-empty name.')
  if (connector.dialect) ensureDialect(connector.dialect)
  registry.set(name, connector)
}

/** Whether a connector is registered under `name` (a URL scheme may name one). */
export function hasConnector(name: string): boolean {
  return registry.has(name)
}

export function getConnector(name: string): Connector {
  const c = registry.get(name)
  if (!c)
    throw new ShipshapeError(
      'UNKNOWN_CONNECTOR',
      `Unknown connector "${name}". Known: ${[...registry.keys()].join(', ')}.`,
    )
  return c
}

/** Connects, turning driver errors into one clear message with the URL's password redacted. */
export async function openConnection(connector: Connector, config: DataSourceConfig): Promise<Connection> {
  rememberSecretsOf(config)
  try {
    return await connector.connect(config)
  } catch (e) {
    // Thrown on purpose (a driver not installed, a SQLite folder missing): already says what to do.
    if (e instanceof ShipshapeError) throw e
    const missing = connector.missingDatabase?.(e, config)
    if (missing) throw new DatabaseMissingError(missing, connector.describe(config), { cause: e })
    const err = e as Error & { code?: string }
    throw new ConnectionError(
      `Cannot connect datasource "${config.name ?? config.connector}" to ${connector.describe(config)}: ` +
        `${redactUrl(err.message || err.code || String(e))}. ${connector.hint ?? 'Check that the server is running and the URL is right.'}`,
      { cause: e },
    )
  }
}
