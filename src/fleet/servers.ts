import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import { getConnector, openConnection, type Connector } from '../datasource/connectors.js'
import type { DataSourceConfig } from '../datasource/config.js'
import { ShipshapeError } from '../errors.js'
import type { ResolvedTarget } from './targets.js'

interface Server {
  connector: Connector
  conn?: Promise<Connection>
  /** Tenants still to run on it: the pool closes when the last one is done. */
  remaining: number
  defaultSchema?: Promise<string | undefined>
}

/**
 * One connection (a pool on servers) per server, shared by its tenants, never one per tenant;
 * each closes as soon as its last tenant is done, so a fleet of databases spread over servers
 * holds only the pools in use.
 */
export class FleetServers {
  private readonly servers = new Map<string, Server>()
  constructor(private readonly poolSize: number) {}

  /** Counts a tenant on its server (before the run, so pools close at the right time). */
  add(t: ResolvedTarget): Dialect {
    let s = this.servers.get(t.serverKey)
    if (!s) {
      s = { connector: getConnector(t.server.connector), remaining: 0 }
      this.servers.set(t.serverKey, s)
    }
    s.remaining++
    if (!s.connector.dialect)
      throw new ShipshapeError('MIGRATION_UNSUPPORTED', `Target "${t.name}": connector "${t.server.connector}" does not support migration.`)
    return s.connector.dialect
  }

  connection(t: ResolvedTarget): Promise<Connection> {
    const s = this.servers.get(t.serverKey)!
    if (!s.conn) {
      // SQLite: no busy wait inside the driver (it blocks the thread, so every tenant);
      // the migration lock polls for the file's write lock instead.
      const config = { max: this.poolSize, busyTimeout: 0, ...t.server, name: t.name } as DataSourceConfig
      s.conn = openConnection(s.connector, config)
      s.conn.catch(() => (s.conn = undefined))
    }
    return s.conn
  }

  /** The schema of a tenant that names none: the connection's default, asked once per server. */
  async defaultSchema(t: ResolvedTarget, dialect: Dialect): Promise<string | undefined> {
    const s = this.servers.get(t.serverKey)!
    s.defaultSchema ??= this.connection(t).then((c) => dialect.defaultSchema(c))
    return s.defaultSchema
  }

  /** A tenant is done: close its server's connection when it was the last. */
  async release(t: ResolvedTarget): Promise<void> {
    const s = this.servers.get(t.serverKey)!
    if (--s.remaining > 0) return
    const conn = s.conn
    s.conn = undefined
    if (conn) await (await conn.catch(() => undefined))?.close().catch(() => {})
  }

  async closeAll(): Promise<void> {
    for (const s of this.servers.values()) {
      const conn = s.conn
      s.conn = undefined
      if (conn) await (await conn.catch(() => undefined))?.close().catch(() => {})
    }
  }
}
