import { hostname, userInfo } from 'node:os'
import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import type { Table, TableRef } from '../schema/ir.js'

/** Name of the tracking table, created by the runner in the datasource's schema. */
export const HISTORY_TABLE = 'shipshape_migrations'

/** One applied migration, as the tracking table records it. */
export interface AppliedMigration {
  name: string
  checksum: string
  appliedAt: Date
  durationMs: number
  appliedBy: string
}

/**
 * Where applied migrations are recorded: a tiny contract, as Umzug's storage.
 * Every method runs on the connection the runner holds (inside its lock and, where the
 * dialect allows, inside the migration's own transaction).
 */
export interface MigrationStorage {
  /** Applied migrations (any order). An absent tracking table means none. */
  list(conn: Connection): Promise<AppliedMigration[]>
  record(conn: Connection, entry: AppliedMigration): Promise<void>
  remove(conn: Connection, name: string): Promise<void>
  /** Creates the tracking table when missing. */
  ensure(conn: Connection): Promise<void>
  /** Accepts a file's new checksum (`migration repair`). */
  setChecksum(conn: Connection, name: string, checksum: string): Promise<void>
}

/** Who applies a migration: the OS user and host, for the record. */
export function currentActor(): string {
  let user = process.env.USER ?? process.env.USERNAME ?? 'unknown'
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (some containers): keep the environment's guess.
  }
  return `${user}@${hostname()}`
}

/**
 * The tracking table `shipshape_migrations`, created through the dialect's own renderer
 * (quoted identifiers, the engine's types); every value is bound.
 */
export class SqlMigrationStorage implements MigrationStorage {
  readonly table: TableRef
  constructor(
    private readonly dialect: Dialect,
    options: { schema?: string; table?: string } = {},
  ) {
    this.table = {
      ...(dialect.capabilities.schemas && options.schema ? { schema: options.schema } : {}),
      name: options.table ?? HISTORY_TABLE,
    }
  }

  private get qualified(): string {
    const q = (n: string) => this.dialect.quoteIdentifier(n)
    return this.table.schema ? `${q(this.table.schema)}.${q(this.table.name)}` : q(this.table.name)
  }

  private ph(i: number): string {
    return this.dialect.capabilities.placeholder === 'dollar' ? `$${i}` : '?'
  }

  private col(n: string): string {
    return this.dialect.quoteIdentifier(n)
  }

  /** The table as neutral IR, rendered by the dialect like any model's table. */
  definition(): Table {
    return {
      ...this.table,
      columns: [
        { name: 'name', type: { kind: 'varchar', length: 255 }, isNullable: false },
        { name: 'checksum', type: { kind: 'varchar', length: 64 }, isNullable: false },
        { name: 'applied_at', type: { kind: 'timestamp', withTimeZone: true, precision: 3 }, isNullable: false },
        { name: 'duration_ms', type: { kind: 'integer' }, isNullable: false },
        { name: 'applied_by', type: { kind: 'varchar', length: 255 }, isNullable: true },
      ],
      primaryKey: { columns: ['name'] },
      indexes: [],
      foreignKeys: [],
    }
  }

  async exists(conn: Connection): Promise<boolean> {
    return (await this.dialect.introspect(conn, [this.table])).tables.length > 0
  }

  async ensure(conn: Connection): Promise<void> {
    if (await this.exists(conn)) return
    const statements = this.dialect.render({ kind: 'create-table', table: this.definition() }, { current: { tables: [] } })
    for (const s of statements) await conn.exec(s.sql)
  }

  async list(conn: Connection): Promise<AppliedMigration[]> {
    if (!(await this.exists(conn))) return []
    const c = (n: string) => this.col(n)
    const r = await conn.query<Record<string, unknown>>(
      `SELECT ${c('name')}, ${c('checksum')}, ${c('applied_at')}, ${c('duration_ms')}, ${c('applied_by')} FROM ${this.qualified} ORDER BY ${c('name')}`,
    )
    return r.rows.map((row) => ({
      name: String(row.name),
      checksum: String(row.checksum),
      appliedAt: row.applied_at instanceof Date ? row.applied_at : new Date(String(row.applied_at)),
      durationMs: Number(row.duration_ms),
      appliedBy: row.applied_by == null ? '' : String(row.applied_by),
    }))
  }

  async record(conn: Connection, e: AppliedMigration): Promise<void> {
    const c = (n: string) => this.col(n)
    await conn.query(
      `INSERT INTO ${this.qualified} (${c('name')}, ${c('checksum')}, ${c('applied_at')}, ${c('duration_ms')}, ${c('applied_by')}) ` +
        `VALUES (${[1, 2, 3, 4, 5].map((i) => this.ph(i)).join(', ')})`,
      [e.name, e.checksum, e.appliedAt, Math.round(e.durationMs), e.appliedBy],
    )
  }

  async remove(conn: Connection, name: string): Promise<void> {
    await conn.query(`DELETE FROM ${this.qualified} WHERE ${this.col('name')} = ${this.ph(1)}`, [name])
  }

  async setChecksum(conn: Connection, name: string, checksum: string): Promise<void> {
    await conn.query(
      `UPDATE ${this.qualified} SET ${this.col('checksum')} = ${this.ph(1)} WHERE ${this.col('name')} = ${this.ph(2)}`,
      [checksum, name],
    )
  }
}
