import type { Change } from '../schema/changes.js'
import type { CombinedStatement, PlannedChange } from '../schema/plan.js'
import type { Column, Database, Index, TableRef } from '../schema/ir.js'
import type { DataCheck } from '../schema/data-checks.js'
import type { Capabilities } from './capabilities.js'
import type { Connection } from './connection.js'
import type { LockOptions } from './lock-options.js'
import { standardSqlGrammar, type SqlGrammar } from './sql-text.js'
import type { RenderContext, Statement } from './statement.js'

/** How a transaction waits for DDL locks: the SQL setting the wait, and how to recognise its timeout (retried with backoff). */
export interface DdlLockTimeout {
  set(ms: number, local: boolean): string
  reset: string
  isTimeout(e: unknown): boolean
}

/** SQL making a session's unqualified names resolve in a schema (a tenant's migration files), and undoing it. */
export interface SessionSchema {
  set(schema: string): string
  reset?: string
}

/** What an engine repairs around a migration statement run outside a transaction, which a failure may leave half done. */
export interface StatementRepair {
  /** Before `sql` runs: clears what a failed earlier run left; 'done' when a resumed run finds its effect already there. */
  prepare(conn: Connection, sql: string, options: { schema?: string; isResumePoint: boolean }): Promise<'run' | 'done'>
  /** Said when `sql` failed outside a transaction: what the next run repairs; undefined when nothing. */
  failureNote(sql: string): string | undefined
}

/**
 * How an engine reads and changes a schema: introspection, rendering, the data checks a plan
 * runs first, and the migration lock. A dialect spreads `baseDdlEngine` and overrides what its
 * engine does differently.
 */
export interface DdlEngine {
  readonly capabilities: Capabilities
  /** Reads the given tables from the catalog in a fixed number of queries. */
  introspect(conn: Connection, tables: TableRef[]): Promise<Database>
  /** Renders one change as statements. */
  render(change: Change, ctx: RenderContext): Statement[]
  /** Why the engine would refuse an index of the models (a key too long), said before anything runs; default: none is refused. */
  indexKeyProblem(index: Index, columns: Column[]): string | undefined
  /** Runs one planned statement, and its `fallbacks` where the engine has them; default: `conn.exec(statement.sql)`. */
  runStatement(conn: Connection, statement: Statement): Promise<void>
  /** False when this change needs a table rebuild (SQLite); default: always true. */
  canAlter(change: Change, ctx: { current: Database }): boolean
  /**
   * One statement for several of a table's changes where the engine can (MySQL: one ALTER TABLE
   * per table), and which it carries; the plan decides where it runs. Default: undefined, each change runs its own.
   */
  combineTableChanges(changes: PlannedChange[], isNewTable: boolean): CombinedStatement | undefined
  /**
   * Holds the engine's migration lock around `fn`: an advisory lock (PostgreSQL), GET_LOCK
   * (MySQL), or an immediate transaction (SQLite, where the lock is the transaction).
   */
  withMigrationLock<T>(conn: Connection, options: LockOptions, fn: (conn: Connection) => Promise<T>): Promise<T>
  /** Counts the rows a data check finds; undefined when the engine can't tell (the change is then judged by its type alone, the default). */
  countRows(conn: Connection, check: DataCheck): Promise<number | undefined>
  /**
   * How many locks all transactions together may hold (PostgreSQL: max_locks_per_transaction ×
   * (max_connections + max_prepared_transactions)); a plan needing more is split. Default: undefined, no limit.
   */
  lockBudget(conn: Connection): Promise<number | undefined>
  /** DDL lock wait; undefined (the default) when the engine has no setting for it. */
  readonly ddlLockTimeout: DdlLockTimeout | undefined
  /**
   * A hash per schema of what introspection would read about these tables, for many schemas in
   * one query (absent schemas are left out); a fleet skips tenants whose hash matches one known
   * to be actual. Default: an empty map (every tenant is introspected); see `supportsSchemaFingerprints`.
   */
  fingerprintSchemas(conn: Connection, schemas: string[], tables: string[]): Promise<Map<string, string>>
  /** Session search path for a schema; undefined (the default) where tables live in no schema. */
  readonly sessionSchema: SessionSchema | undefined
  /** How migration scripts are split into statements, and which refuse a transaction; default: standard SQL's quotes and comments. */
  readonly sqlGrammar: SqlGrammar
  /** Repairs around migration statements run outside a transaction; default: none. */
  readonly statementRepair: StatementRepair
}

/** The defaults every engine starts from; a dialect overrides what differs. */
export const baseDdlEngine = {
  indexKeyProblem: () => undefined,
  runStatement: (conn: Connection, statement: Statement) => conn.exec(statement.sql),
  canAlter: () => true,
  combineTableChanges: () => undefined,
  countRows: async () => undefined,
  lockBudget: async () => undefined,
  ddlLockTimeout: undefined,
  fingerprintSchemas: async () => new Map<string, string>(),
  sessionSchema: undefined,
  sqlGrammar: standardSqlGrammar,
  statementRepair: { prepare: async () => 'run' as const, failureNote: () => undefined },
} satisfies Partial<DdlEngine>
