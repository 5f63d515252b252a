import type { Connection } from '../connection.js'
import type { Dialect } from '../dialect.js'
import { baseCapabilities } from '../capabilities.js'
import { baseDdlEngine } from '../ddl-engine.js'
import { baseDmlAdapter } from '../dml-adapter.js'
import { postgresLoopback } from './loopback.js'
import { introspectPostgres } from './introspect.js'
import { fingerprintPostgresSchemas } from './fingerprint.js'
import { withPostgresLock } from './lock.js'
import { postgresLockBudget } from './lock-budget.js'
import { countPostgresCheckRows } from './convert.js'
import { quotePostgresIdentifier, quotePostgresLiteral } from './quote.js'
import { renderPostgres } from './render.js'
import { invalidIndexRepair, postgresGrammar } from './sql-text.js'
import { parsePostgresDefault, parsePostgresType, renderPostgresType } from './types.js'
import { renderPostgresMatch, postgresValues } from './values.js'

/** PostgreSQL, served by a server (`pg`) or embedded (PGlite): one dialect. */
export const postgresDialect: Dialect = {
  ...baseDdlEngine,
  name: 'postgres',
  settingsKey: 'postgresql',
  capabilities: {
    ...baseCapabilities,
    supportsTransactionalDdl: true,
    supportsAlterConstraints: true,
    supportsConcurrentIndex: true,
    supportsSchemas: true,
    supportsSchemaFingerprints: true,
    maxIdentifierLength: 63,
    indexNameScope: 'schema',
    // Constraint names need only be unique per table; index names are per schema
    // (https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-COMPATIBILITY).
    foreignKeyNameScope: 'table',
    lowercasesLoopbackNames: true,
  },
  dml: {
    ...baseDmlAdapter,
    placeholder: 'dollar',
    supportsReturning: true,
    maxParameters: 65535,
    values: postgresValues,
    renderMatch: renderPostgresMatch,
    // One array parameter whatever the list's length: the protocol caps a statement at 65,535 parameters.
    renderInList: (column, values, isNegated, bind) => (isNegated ? `${column} <> ALL(${bind(values)})` : `${column} = ANY(${bind(values)})`),
  },
  quoteIdentifier: quotePostgresIdentifier,
  quoteLiteral: quotePostgresLiteral,
  parseType: parsePostgresType,
  renderType: renderPostgresType,
  parseDefault: (sql) => parsePostgresDefault(sql),
  async introspect(conn, tables) {
    // The migrator qualifies every table; ask for current_schema() only when one isn't.
    const fallback = tables.every((t) => t.schema) ? 'public' : ((await this.defaultSchema(conn)) ?? 'public')
    return introspectPostgres(conn, tables, fallback)
  },
  render: renderPostgres,
  withMigrationLock: withPostgresLock,
  lockBudget: postgresLockBudget,
  countRows: countPostgresCheckRows,
  // https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
  ddlLockTimeout: {
    set: (ms, local) => `SET ${local ? 'LOCAL ' : ''}lock_timeout = ${Math.max(1, Math.floor(ms))}`,
    reset: 'RESET lock_timeout',
    isTimeout: (e) => (e as { code?: string })?.code === '55P03',
  },
  loopback: postgresLoopback,
  fingerprintSchemas: fingerprintPostgresSchemas,
  sessionSchema: { set: (schema) => `SET search_path TO ${quotePostgresIdentifier(schema)}`, reset: 'RESET search_path' },
  sqlGrammar: postgresGrammar,
  statementRepair: invalidIndexRepair(() => postgresDialect),
  async listTables(conn: Connection, schema?: string) {
    const r = await conn.query<{ s: string; n: string }>(
      `SELECT table_schema AS s, table_name AS n FROM information_schema.tables
       WHERE table_schema = COALESCE($1, current_schema()) AND table_type = 'BASE TABLE' ORDER BY table_name`,
      [schema ?? null],
    )
    return r.rows.map((t) => ({ schema: t.s, name: t.n }))
  },
  async defaultSchema(conn: Connection) {
    const r = await conn.query<{ s: string }>('SELECT current_schema() AS s')
    return r.rows[0]?.s ?? 'public'
  },
}
