import { hostname, userInfo } from 'node:os'
import type { Connection } from '../dialects/connection.js'
import type { Dialect } from '../dialects/dialect.js'
import type { Column, Table, TableRef } from '../schema/ir.js'

/** Name of the tracking table, created by the runner in the datasource's schema. */
export const HISTORY_TABLE = 'shipshape_migrations'

/** One applied migration, as the tracking table records it. */
export interface AppliedMigration {
  name: string
  checksum: string
  appliedAt: Date
  durationMs: number
  appliedBy: string
  /** Recorded by `baseline`: never run here, so `down` won't revert it without `includeBaselined`. */
  isBaselined?: boolean
  /**
   * Set while a migration is only partly applied: the statements that took effect (committed
   * segments) and a sha256 of their text, so that a rerun can resume after them.
   */
  partial?: MigrationProgress
  /** Set while its down() is partly done: the statements of it that took effect, as `partial`. */
  reverting?: MigrationProgress
  /** Position in the order migrations were applied (1, 2, …); absent on records older than it. */
  sequence?: number
}

/** How far a partly applied migration got. */
export interface MigrationProgress {
  /** Statements of the migration that took effect, counted from its first. */
  statements: number
  /** sha256 of those statements' text, to check on resume that they were not edited. */
  checksum: string
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
  /**
   * Replaces an existing record (a partly applied migration's progress, or its completion).
   * A storage without it records a migration only once it has fully run.
   */
  update?(conn: Connection, entry: AppliedMigration): Promise<void>
}

// Added after the first release: a table made before them gets them on the next `ensure`.
// state: NULL (applied), 'baselined', 'partial' or 'reverting'; statements_done and done_checksum describe
// a partial one; sequence is the order of application.
const EXTRA_COLUMNS: Column[] = [
  { name: 'state', type: { kind: 'varchar', length: 16 }, isNullable: true },
  { name: 'statements_done', type: { kind: 'integer' }, isNullable: true },
  { name: 'done_checksum', type: { kind: 'varchar', length: 64 }, isNullable: true },
  { name: 'sequence', type: { kind: 'integer' }, isNullable: true },
]

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
      ...(dialect.capabilities.supportsSchemas && options.schema ? { schema: options.schema } : {}),
      name: options.table ?? HISTORY_TABLE,
    }
  }

  private get qualified(): string {
    const q = (n: string) => this.dialect.quoteIdentifier(n)
    return this.table.schema ? `${q(this.table.schema)}.${q(this.table.name)}` : q(this.table.name)
  }

  private ph(i: number): string {
    return this.dialect.dml.placeholder === 'dollar' ? `$${i}` : '?'
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
        ...EXTRA_COLUMNS,
      ],
      primaryKey: { columns: ['name'] },
      indexes: [],
      foreignKeys: [],
    }
  }

  /** The tracking table's column names, or undefined when it doesn't exist. */
  private async columns(conn: Connection): Promise<Set<string> | undefined> {
    const t = (await this.dialect.introspect(conn, [this.table])).tables[0]
    return t && new Set(t.columns.map((c) => c.name))
  }

  async exists(conn: Connection): Promise<boolean> {
    return (await this.columns(conn)) !== undefined
  }

  async ensure(conn: Connection): Promise<void> {
    const have = await this.columns(conn)
    if (!have) {
      const statements = this.dialect.render({ kind: 'create-table', table: this.definition() }, { current: { tables: [] } })
      for (const s of statements) await this.dialect.runStatement(conn, s)
      return
    }
    for (const column of EXTRA_COLUMNS)
      if (!have.has(column.name))
        for (const s of this.dialect.render({ kind: 'add-column', table: this.table, column }, { current: { tables: [] } })) await this.dialect.runStatement(conn, s)
    // Before the state column, `baseline` recorded duration 0 and nothing else: such a record may
    // be one, and is kept from `down` like one (`--include-baselined` still reverts it).
    if (!have.has('state'))
      await conn.query(`UPDATE ${this.qualified} SET ${this.col('state')} = ${this.ph(1)} WHERE ${this.col('duration_ms')} = 0`, ['baselined'])
  }

  async list(conn: Connection): Promise<AppliedMigration[]> {
    const have = await this.columns(conn)
    if (!have) return []
    const c = (n: string) => this.col(n)
    // A table from before the extra columns (read by `status`, which doesn't alter it) lacks them.
    const extra = EXTRA_COLUMNS.map((x) => x.name).filter((n) => have.has(n))
    const r = await conn.query<Record<string, unknown>>(
      `SELECT ${['name', 'checksum', 'applied_at', 'duration_ms', 'applied_by', ...extra].map(c).join(', ')} FROM ${this.qualified} ORDER BY ${c('name')}`,
    )
    return r.rows.map((row) => ({
      name: String(row.name),
      checksum: String(row.checksum),
      appliedAt: row.applied_at instanceof Date ? row.applied_at : new Date(String(row.applied_at)),
      durationMs: Number(row.duration_ms),
      appliedBy: row.applied_by == null ? '' : String(row.applied_by),
      ...(row.state === 'baselined' || (!have.has('state') && Number(row.duration_ms) === 0) ? { isBaselined: true } : {}),
      ...(row.state === 'partial' || row.state === 'reverting'
        ? { [row.state]: { statements: Number(row.statements_done ?? 0), checksum: String(row.done_checksum ?? '') } }
        : {}),
      ...(row.sequence != null ? { sequence: Number(row.sequence) } : {}),
    }))
  }

  private values(e: AppliedMigration): unknown[] {
    return [
      e.checksum,
      e.appliedAt,
      Math.round(e.durationMs),
      e.appliedBy,
      e.partial ? 'partial' : e.reverting ? 'reverting' : e.isBaselined ? 'baselined' : null,
      (e.partial ?? e.reverting)?.statements ?? null,
      (e.partial ?? e.reverting)?.checksum ?? null,
    ]
  }

  private static readonly VALUE_COLUMNS = ['checksum', 'applied_at', 'duration_ms', 'applied_by', 'state', 'statements_done', 'done_checksum']

  async record(conn: Connection, e: AppliedMigration): Promise<void> {
    const c = (n: string) => this.col(n)
    // The order of application: the runner holds the migration lock, so max + 1 is unique.
    const max = await conn.query<{ n: unknown }>(`SELECT MAX(${c('sequence')}) AS ${c('n')} FROM ${this.qualified}`)
    const sequence = Number(max.rows[0]?.n ?? 0) + 1
    const cols = ['name', ...SqlMigrationStorage.VALUE_COLUMNS, 'sequence']
    await conn.query(
      `INSERT INTO ${this.qualified} (${cols.map(c).join(', ')}) VALUES (${cols.map((_, i) => this.ph(i + 1)).join(', ')})`,
      [e.name, ...this.values(e), sequence],
    )
  }

  async update(conn: Connection, e: AppliedMigration): Promise<void> {
    const cols = SqlMigrationStorage.VALUE_COLUMNS
    await conn.query(
      `UPDATE ${this.qualified} SET ${cols.map((n, i) => `${this.col(n)} = ${this.ph(i + 1)}`).join(', ')} WHERE ${this.col('name')} = ${this.ph(cols.length + 1)}`,
      [...this.values(e), e.name],
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
