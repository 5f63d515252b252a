import type { ColumnDefault, ColumnType, TableRef } from '../schema/ir.js'
import type { LoopbackConventions } from '../schema/loopback.js'
import type { Connection } from './connection.js'
import type { DdlEngine } from './ddl-engine.js'
import type { DmlAdapter } from './dml-adapter.js'

export type { Capabilities } from './capabilities.js'
export type { Statement, RenderContext } from './statement.js'
export type { LockOptions } from './lock-options.js'
export type { ValueCodec, ValueConverter } from './value-codec.js'
export type { MatchOperator, MatchSql } from './match.js'

/**
 * An engine, or a variant of one (PGlite, MariaDB, a pooled PostgreSQL), registered by name
 * (`registerDialect`): its DDL engine (introspection, rendering, checks, lock, capabilities) and,
 * as `dml`, the adapter repositories read and write rows through.
 */
export interface Dialect extends DdlEngine {
  /** The registry key; also names plan output and `snapshot.<name>.json`. */
  readonly name: string
  /** Key of per-dialect settings in model definitions (`postgresql: {...}`). */
  readonly settingsKey: string
  readonly dml: DmlAdapter
  quoteIdentifier(name: string): string
  /** Literal for a value inside DDL, where binding is impossible (defaults). */
  quoteLiteral(value: string | number | boolean): string
  /** Parses a native type name (catalog or `dataType`) into the neutral type. */
  parseType(sql: string): ColumnType
  /** Renders a neutral type as the engine's type name. */
  renderType(type: ColumnType): string
  /** Parses a catalog default expression for a column of the given type. */
  parseDefault(sql: string, type: ColumnType): ColumnDefault
  /** The schema that unqualified tables live in (PostgreSQL `current_schema()`), if any. */
  defaultSchema(conn: Connection): Promise<string | undefined>
  /** The base tables of a schema (default: the connection's), for `shipshape pull`. */
  listTables(conn: Connection, schema?: string): Promise<TableRef[]>
  /** What LoopBack's connector for this engine creates (`naming: 'loopback'` follows it); undefined: LoopBack has none. */
  readonly loopback: LoopbackConventions | undefined
}
