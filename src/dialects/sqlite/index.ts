import type { Dialect } from '../dialect.js'
import { baseCapabilities } from '../capabilities.js'
import { baseDdlEngine } from '../ddl-engine.js'
import { baseDmlAdapter } from '../dml-adapter.js'
import { sqliteLoopback } from './loopback.js'
import { introspectSqlite } from './introspect.js'
import { withSqliteLock } from './lock.js'
import { countDataCheckRows } from '../data-checks.js'
import { sqliteCheckSql } from './convert.js'
import { quoteSqliteIdentifier, quoteSqliteLiteral } from './quote.js'
import { renderSqlite, sqliteCanAlter } from './render.js'
import { parseSqliteDefault, parseSqliteType, renderSqliteType } from './types.js'
import { renderSqliteMatch, sqliteValues } from './values.js'
import { sqliteGrammar } from './sql-text.js'

/** SQLite through better-sqlite3: the embedded default. */
export const sqliteDialect: Dialect = {
  ...baseDdlEngine,
  name: 'sqlite',
  settingsKey: 'sqlite',
  capabilities: {
    ...baseCapabilities,
    ignoresColumnTypes: true,
    supportsTransactionalDdl: true,
    supportsAlterConstraints: false,
    supportsConcurrentIndex: false,
    supportsSchemas: false,
    // SQLite has no limit; keep names portable to PostgreSQL.
    maxIdentifierLength: 128,
    indexNameScope: 'schema',
    // SQLite keeps a foreign key's name only in its table's SQL.
    foreignKeyNameScope: 'table',
    lowercasesLoopbackNames: true,
  },
  dml: {
    ...baseDmlAdapter,
    placeholder: 'question',
    supportsReturning: true,
    maxParameters: 32766,
    values: sqliteValues,
    renderMatch: renderSqliteMatch,
    // Past a few hundred values, one JSON parameter read by json_each: SQLite binds at most 32,766.
    renderInList: (column, values, isNegated, bind) =>
      values.length > 500 && values.every((v) => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))
        ? `${column} ${isNegated ? 'NOT IN' : 'IN'} (SELECT value FROM json_each(${bind(JSON.stringify(values))}))`
        : undefined,
  },
  quoteIdentifier: quoteSqliteIdentifier,
  quoteLiteral: quoteSqliteLiteral,
  parseType: parseSqliteType,
  renderType: renderSqliteType,
  parseDefault: (sql) => parseSqliteDefault(sql) ?? { kind: 'sql', sql: 'NULL' },
  introspect: introspectSqlite,
  render: renderSqlite,
  sqlGrammar: sqliteGrammar,
  canAlter: sqliteCanAlter,
  withMigrationLock: withSqliteLock,
  countRows: (conn, check) => countDataCheckRows(conn, sqliteCheckSql, check),
  loopback: sqliteLoopback,
  async listTables(conn) {
    const r = await conn.query<{ name: string }>(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
    )
    return r.rows.map((t) => ({ name: t.name }))
  },
  async defaultSchema() {
    return undefined
  },
}
