import { redactUrl, ShipshapeError } from '../errors.js'
import { hasConnector } from '../datasource/connectors.js'

/**
 * One tenant database of a fleet: a PostgreSQL schema or database, a MySQL/MariaDB database,
 * or an SQLite file.
 * @example
 *   {name: 'acme', connector: 'postgresql', url: 'postgres://app@db1/saas', schema: 'tenant_acme'}
 *   {name: 'beta', connector: 'mysql', url: 'mysql://root@db2/tenant_beta'}
 *   {name: 'gamma', connector: 'sqlite', file: 'tenants/gamma.db'}
 */
export interface FleetTarget {
  /** Shown in progress and reports. Default: the schema, the file, or the URL (password redacted). */
  name?: string
  connector: string
  url?: string
  file?: string
  /** PostgreSQL schema; for MySQL, the database (default: the URL's). */
  schema?: string
  [key: string]: unknown
}

/** A target as the fleet runs it: named, with the server it shares a connection with. */
export interface ResolvedTarget {
  name: string
  target: FleetTarget
  /** Targets with the same key share one connection pool. */
  serverKey: string
  /** Connection settings of that server (without the tenant's schema or MySQL database). */
  server: FleetTarget
  /** The tenant's schema (PostgreSQL) or database (MySQL); absent on SQLite, or when the connection's default is meant. */
  schema?: string
}

const CONNECTORS: Record<string, string> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  file: 'sqlite',
}

/**
 * A target from one line of a targets file: a URL (`postgres://…/db?schema=tenant_1`,
 * `mysql://…/tenant_db`, `sqlite:tenants/a.db`) or a bare SQLite file path.
 */
export function targetFromUrl(line: string): FleetTarget {
  const text = line.trim()
  const m = /^([a-z0-9+]+):/i.exec(text)
  const scheme = m?.[1]!.toLowerCase()
  // A registered connector's name is its scheme too (`libsql://…` for a connector named libsql).
  const connector = scheme === undefined ? 'sqlite' : (CONNECTORS[scheme] ?? (hasConnector(scheme) ? scheme : undefined))
  if (!connector)
    throw new ShipshapeError('INVALID_CONFIG', `Target "${redactUrl(text)}": unknown scheme "${m![1]}:". Use postgres://, mysql://, sqlite:FILE or a registered connector's name.`)
  if (connector === 'sqlite') return { connector, file: text.replace(/^(sqlite3?|file):(\/\/)?/i, '') }
  const url = new URL(text)
  const schema = url.searchParams.get('schema') ?? undefined
  url.searchParams.delete('schema')
  return { connector, url: url.toString(), ...(schema ? { schema } : {}) }
}

/** Reads a targets file: a JSON array of targets (or of URLs), or one URL a line (`#` starts a comment). */
export function parseTargets(text: string, source = 'targets'): FleetTarget[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    let list: unknown
    try {
      list = JSON.parse(trimmed)
    } catch (e) {
      throw new ShipshapeError('INVALID_CONFIG', `${source}: not valid JSON (${(e as Error).message}).`)
    }
    return (list as unknown[]).map((t, i) => {
      if (typeof t === 'string') return targetFromUrl(t)
      if (!t || typeof t !== 'object' || typeof (t as FleetTarget).connector !== 'string')
        throw new ShipshapeError('INVALID_CONFIG', `${source}: entry ${i + 1} needs a "connector" ('postgresql', 'mysql' or 'sqlite') or must be a URL string.`)
      return t as FleetTarget
    })
  }
  return trimmed
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .map(targetFromUrl)
}

/** Names the target and finds the server it shares: MySQL tenants of one server share a pool, their database being the schema. */
export function resolveTarget(t: FleetTarget): ResolvedTarget {
  const connector = CONNECTORS[t.connector.toLowerCase()] ?? t.connector
  const { name: _n, schema: _s, ...rest } = { ...t, connector }
  const server: FleetTarget = rest
  let schema = t.schema
  if (connector === 'mysql' && t.url) {
    const url = new URL(t.url)
    const db = decodeURIComponent(url.pathname.replace(/^\//, ''))
    schema ??= db || undefined
    url.pathname = '/'
    server.url = url.toString()
  } else if (connector === 'mysql' && typeof t.database === 'string') {
    schema ??= t.database
    delete server.database
  }
  const serverKey = JSON.stringify(Object.entries(server).sort(([a], [b]) => a.localeCompare(b)))
  const name = t.name ?? schema ?? t.file ?? (t.url ? redactUrl(t.url) : serverKey)
  return { name, target: t, serverKey, server, ...(schema ? { schema } : {}) }
}
