import type { Change } from '../schema/changes.js'
import type { CombinedStatement, PlannedChange } from '../schema/plan.js'
import type { Column, ColumnDefault, ColumnType, Database, Index, TableRef } from '../schema/ir.js'
import type { Connection } from './connection.js'
import type { DataCheck } from '../schema/data-checks.js'
import type { LoopbackConventions } from '../schema/loopback.js'

/** What an engine can do. Shared code asks these, never the dialect's name. */
export interface Capabilities {
  /** DDL is transactional: a plan can be one transaction (PostgreSQL, SQLite). */
  transactionalDdl: boolean
  /** ALTER COLUMN can change type, nullability and default in place. */
  alterColumn: boolean
  /** Constraints (primary and foreign keys) can be added and dropped with ALTER TABLE. */
  alterConstraints: boolean
  /** Indexes can be built without blocking writes (CREATE INDEX CONCURRENTLY). */
  concurrentIndex: boolean
  /** Tables live in named schemas (PostgreSQL) or databases (MySQL). */
  schemas: boolean
  /** Longest identifier the engine keeps without truncating. */
  maxIdentifierLength: number
  /** Where index names must be unique. */
  indexNameScope: 'schema' | 'table'
  /** Where foreign-key names must be unique: across the schema (InnoDB: per database) or only within their table (PostgreSQL, SQLite). */
  foreignKeyNameScope: 'schema' | 'table'
  /** LoopBack's naming lower-cases names on this engine (PostgreSQL, SQLite; not MySQL). */
  lowercasesLoopbackNames: boolean
  /** Strings without a declared length get VARCHAR(n) rather than TEXT (MySQL's 512). */
  defaultStringLength?: number
  /** Placeholder style for bound values. */
  placeholder: 'dollar' | 'question'
  /** INSERT … RETURNING is available. */
  returning: boolean
  /** Most bound parameters in one statement. */
  maxParameters: number
  /**
   * Without RETURNING: a multi-row INSERT that leaves the auto-increment id out gets the ids
   * insertId, insertId + step, insertId + 2·step, … (InnoDB's autoinc lock modes 0 and 1). Absent
   * when the server doesn't promise that; rows are then inserted one per statement to learn each id.
   */
  insertIdStep?: number
  /** Largest statement the server accepts, in bytes (MySQL `max_allowed_packet`); absent means no limit to batch by. */
  maxStatementBytes?: number
  /**
   * A column keeps whatever it is given, whatever its declared type and length (SQLite), so the
   * conversion checks also ask what an enforcing engine could never hold (schema/conversions.ts).
   */
  unenforcedTypes?: boolean
  /**
   * RESTRICT and NO ACTION are one action (InnoDB checks both at once and reports an unspecified
   * action as RESTRICT: https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html#foreign-key-referential-actions).
   */
  restrictIsNoAction?: boolean
  /** A column a foreign key uses can't change type while the key exists (InnoDB): plans drop and re-add the key around it. */
  foreignKeysPinColumnTypes?: boolean
}

/** A rendered statement: its SQL and how it must run. Down migrations come from `invertChange`, not from statements. */
export interface Statement {
  sql: string
  /** Must run outside a transaction (CREATE INDEX CONCURRENTLY). */
  isNonTransactional?: boolean
  /** Carried out by the combined statement of another change of the plan (see `PlanStatement`). */
  combinedInto?: number
}

export interface RenderContext {
  /** The live schema (for rebuilds that must copy every column). */
  current: Database
  /** Changes to existing tables may use online forms (concurrent index builds). */
  online?: boolean
}

/** An engine family: PostgreSQL (server and PGlite), SQLite, MySQL/MariaDB. */
export interface Dialect {
  readonly name: 'postgres' | 'sqlite' | 'mysql'
  /** Key of per-dialect settings in model definitions (`postgresql: {...}`). */
  readonly settingsKey: 'postgresql' | 'sqlite' | 'mysql'
  readonly capabilities: Capabilities
  /**
   * Capabilities that depend on the server a connection reaches, read once per connection and laid
   * over `capabilities` (MariaDB ≥ 10.5 has INSERT … RETURNING, MySQL has none). Absent means
   * `capabilities` hold for every server.
   */
  connectionCapabilities?(conn: Connection): Promise<Partial<Capabilities>>
  /** What follows the table name in an INSERT of a row that gives no column; absent means `DEFAULT VALUES`. */
  readonly emptyInsertValues?: string
  quoteIdentifier(name: string): string
  /** Literal for a value inside DDL, where binding is impossible (defaults). */
  quoteLiteral(value: string | number | boolean): string
  /** Parses a native type name (catalog or `dataType`) into the neutral type. */
  parseType(sql: string): ColumnType
  /** Renders a neutral type as the engine's type name. */
  renderType(type: ColumnType): string
  /** Parses a catalog default expression for a column of the given type. */
  parseDefault(sql: string, type: ColumnType): ColumnDefault
  /** Why the engine would refuse an index of the models (a key too long), said before anything runs; absent: none is refused. */
  indexKeyProblem?(index: Index, columns: Column[]): string | undefined
  /** False when this change needs a table rebuild (SQLite); absent means always true. */
  canAlter?(change: Change, ctx: { current: Database }): boolean
  /** One statement for several of a table's changes where the engine can (MySQL: one ALTER TABLE per table); see PlanTarget. */
  combineTableChanges?(changes: PlannedChange[], isNewTable: boolean): CombinedStatement | undefined
  /** Reads the given tables from the catalog in a fixed number of queries. */
  introspect(conn: Connection, tables: TableRef[]): Promise<Database>
  /** Renders one change as statements. */
  render(change: Change, ctx: RenderContext): Statement[]
  /**
   * Holds the engine's migration lock around `fn`: an advisory lock (PostgreSQL), GET_LOCK
   * (MySQL), or an immediate transaction (SQLite, where the lock is the transaction).
   */
  withMigrationLock<T>(conn: Connection, options: LockOptions, fn: (conn: Connection) => Promise<T>): Promise<T>
  /** The schema that unqualified tables live in (PostgreSQL `current_schema()`), if any. */
  defaultSchema(conn: Connection): Promise<string | undefined>
  /** The base tables of a schema (default: the connection's), for `shipshape pull`. */
  listTables?(conn: Connection, schema?: string): Promise<TableRef[]>
  /** What LoopBack's connector for this engine creates (`naming: 'loopback'` follows it to adopt LoopBack's tables). */
  readonly loopback?: LoopbackConventions
  /** How repositories convert values to and from the driver; absent means the driver's own values are used as they are. */
  readonly values?: ValueCodec
  /** SQL of a LIKE-family match; absent means `LIKE` and `LOWER(col) LIKE LOWER(?)` (see `renderDefaultMatch`). */
  renderMatch?(op: MatchOperator, column: string, placeholder: string): MatchSql
  /**
   * `column IN (list)` with the whole list bound as one parameter (`= ANY($1)`, `json_each(?)`), so a
   * list of any length stays under `maxParameters`; undefined when these values are better bound one
   * by one. Absent: always one by one (MySQL's driver inlines them client-side, with no limit).
   */
  renderInList?(column: string, values: unknown[], isNegated: boolean, bind: (value: unknown) => string): string | undefined
  /** Counts the rows a data check finds; undefined when the engine can't tell (the change is then judged by its type alone). */
  countRows?(conn: Connection, check: DataCheck): Promise<number | undefined>
  /**
   * How many locks all transactions together may hold (PostgreSQL: max_locks_per_transaction ×
   * (max_connections + max_prepared_transactions)); a plan needing more is split. Absent: no limit.
   */
  lockBudget?(conn: Connection): Promise<number | undefined>
  /** DDL lock wait: the SQL setting it for a transaction, and how to recognise its timeout (retried with backoff). */
  readonly ddlLockTimeout?: { set(ms: number, local: boolean): string; reset: string; isTimeout(e: unknown): boolean }
  /**
   * A hash per schema of what introspection would read about these tables, for many schemas in
   * one query (absent schemas are left out); a fleet skips tenants whose hash matches one known
   * to be actual. Absent: every tenant is introspected.
   */
  fingerprintSchemas?(conn: Connection, schemas: string[], tables: string[]): Promise<Map<string, string>>
  /** SQL making a session's unqualified names resolve in a schema (a tenant's migration files), and undoing it. */
  readonly sessionSchema?: { set(schema: string): string; reset?: string }
}

/** Turns one value into another (never called with null or undefined). */
export type ValueConverter = (value: unknown) => unknown

/**
 * Value conversion for repositories, per column, chosen once per column and reused for every row:
 * `encoder(column)` gives what turns a JS value into what the driver binds (SQLite: boolean → 0/1,
 * Date → ISO-8601 text, object → JSON text), `decoder(column)` what turns a driver value back into the
 * JS type (0/1 → boolean, text → Date, JSON text → object, numeric string → number). Either returns
 * undefined when the driver's value is already right, so the hot path does nothing for that column.
 * @example
 *   const toDb = dialect.values?.encoder(column)
 *   const bound = value == null || !toDb ? value : toDb(value)
 */
export interface ValueCodec {
  encoder(column: Column): ValueConverter | undefined
  decoder(column: Column): ValueConverter | undefined
}

/** LoopBack's pattern operators: `like`/`nlike` match case-sensitively, `ilike`/`nilike` ignore case. */
export type MatchOperator = 'like' | 'nlike' | 'ilike' | 'nilike'

/** A rendered pattern match, and how to turn the LIKE pattern into the value bound (SQLite GLOB). */
export interface MatchSql {
  sql: string
  pattern?: (likePattern: string) => string
}

/** `LIKE`, which is case-sensitive on PostgreSQL; ignoring case by lower-casing both sides works everywhere. */
export function renderDefaultMatch(op: MatchOperator, column: string, placeholder: string): MatchSql {
  switch (op) {
    case 'like':
      return { sql: `${column} LIKE ${placeholder}` }
    case 'nlike':
      return { sql: `${column} NOT LIKE ${placeholder}` }
    case 'ilike':
      return { sql: `LOWER(${column}) LIKE LOWER(${placeholder})` }
    case 'nilike':
      return { sql: `LOWER(${column}) NOT LIKE LOWER(${placeholder})` }
  }
}

export interface LockOptions {
  /** How long to wait for another process's migration, in ms (default 60 s). */
  timeoutMs?: number
  /** Lease of a lock row (behind a transaction pooler, on a Galera cluster): how long a dead holder blocks others, in ms (default 30 s). */
  leaseMs?: number
  /** Lock only this schema (a tenant), not the whole database; absent: the database. */
  scope?: string
}
