import type { Connection } from '../connection.js'
import type { Dialect } from '../dialect.js'
import { baseCapabilities } from '../capabilities.js'
import { baseDdlEngine } from '../ddl-engine.js'
import { baseDmlAdapter } from '../dml-adapter.js'
import { mysqlLoopback } from './loopback.js'
import { detectMysqlServer, mysqlServerCapabilities } from './connection.js'
import { countDataCheckRows } from '../data-checks.js'
import { mysqlCheckSql } from './convert.js'
import { introspectMysql } from './introspect.js'
import { mysqlIndexKeyProblem } from './index-key.js'
import { withMysqlLock } from './lock.js'
import { quoteMysqlIdentifier, quoteMysqlLiteral } from './quote.js'
import { combineMysqlTableChanges, renderMysql } from './render.js'
import { runMysqlStatement, withAlgorithmFallbacks } from './algorithm-fallbacks.js'
import { parseMysqlDefaultExpression, parseMysqlType, renderMysqlType } from './types.js'
import { mysqlValues, renderMysqlMatch } from './values.js'
import { mysqlGrammar } from './sql-text.js'

/** MySQL 8 and MariaDB 10.x through mysql2: one dialect, the differences read from the catalog. */
export const mysqlDialect: Dialect = {
  ...baseDdlEngine,
  name: 'mysql',
  settingsKey: 'mysql',
  capabilities: {
    ...baseCapabilities,
    // DDL commits implicitly (https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html):
    // plans run statement by statement and a rerun finishes what a failure left.
    supportsTransactionalDdl: false,
    pinsForeignKeyColumnTypes: true,
    treatsRestrictAsNoAction: true,
    supportsAlterConstraints: true,
    supportsConcurrentIndex: false,
    // A MySQL database is the schema; the default is the connection's database.
    supportsSchemas: true,
    maxIdentifierLength: 64,
    indexNameScope: 'table',
    // InnoDB names foreign keys per database, ignoring case (errno 121 on a clash):
    // https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html
    foreignKeyNameScope: 'schema',
    lowercasesLoopbackNames: false,
    defaultStringLength: 512,
  },
  dml: {
    ...baseDmlAdapter,
    placeholder: 'question',
    // MariaDB has INSERT … RETURNING since 10.5, MySQL has none: insert ids unless
    // forConnection finds a MariaDB that has it.
    supportsReturning: false,
    // Decided by the family, not the server (forConnection leaves it): MySQL and MariaDB, RETURNING
    // or not, make the same (v4) uuids, so a table's ids look alike whichever server wrote them.
    generatesUuidsInClient: true,
    maxParameters: 65535,
    // MySQL has no DEFAULT VALUES: https://dev.mysql.com/doc/refman/8.0/en/insert.html
    emptyInsertValues: '() VALUES ()',
    values: mysqlValues,
    renderMatch: renderMysqlMatch,
    async forConnection(conn) {
      return { ...this, ...mysqlServerCapabilities(await detectMysqlServer(conn)) }
    },
  },
  quoteIdentifier: quoteMysqlIdentifier,
  quoteLiteral: quoteMysqlLiteral,
  parseType: parseMysqlType,
  renderType: renderMysqlType,
  parseDefault: (sql) => parseMysqlDefaultExpression(sql) ?? { kind: 'sql', sql: 'NULL' },
  indexKeyProblem: mysqlIndexKeyProblem,
  async introspect(conn, tables) {
    const schema = tables.every((t) => t.schema) ? '' : ((await this.defaultSchema(conn)) ?? '')
    return introspectMysql(conn, tables, schema)
  },
  render: (change, ctx) => renderMysql(change, ctx).map(withAlgorithmFallbacks),
  combineTableChanges(changes, isNewTable) {
    const combined = combineMysqlTableChanges(changes, isNewTable)
    return combined && { ...combined, statement: withAlgorithmFallbacks(combined.statement) }
  },
  runStatement: runMysqlStatement,
  withMigrationLock: withMysqlLock,
  sessionSchema: { set: (schema) => `USE ${quoteMysqlIdentifier(schema)}` },
  sqlGrammar: mysqlGrammar,
  countRows: (conn, check) => countDataCheckRows(conn, mysqlCheckSql, check),
  loopback: mysqlLoopback,
  async listTables(conn: Connection, schema?: string) {
    const r = await conn.query<{ s: string; n: string }>(
      `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
      [schema ?? null],
    )
    return r.rows.map((t) => ({ schema: t.s, name: t.n }))
  },
  async defaultSchema(conn: Connection) {
    const r = await conn.query<{ db: string | null }>('SELECT DATABASE() AS db')
    return r.rows[0]?.db ?? undefined
  },
}
