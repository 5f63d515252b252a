import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import BetterSqlite from 'better-sqlite3'
import type { PGlite } from '@electric-sql/pglite'
import type { DataSourceConfig } from '../../src/index.js'
import type { Catalog } from './catalog.js'
import { postgresCatalog } from '../dialects/postgres/catalog.js'
import { sqliteCatalog } from '../dialects/sqlite/catalog.js'
import mysql from 'mysql2/promise'
import { mysqlCatalog } from '../dialects/mysql/catalog.js'

export const MYSQL_URL = process.env.SHIPSHAPE_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
export const PG_URL = process.env.SHIPSHAPE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

type Row = Record<string, any>

/** A fresh, empty place to migrate into (a schema, a database, a file), with direct driver access. */
export interface TestScope {
  /** Spread into `new DataSource({...scope.config, models})`. */
  config: DataSourceConfig
  /** Reads the engine's own catalog. */
  catalog: Catalog
  /** Runs SQL through the driver directly (placeholders: `$1` on PostgreSQL, `?` elsewhere). */
  raw(sql: string, params?: unknown[]): Promise<Row[]>
  /** Quoted, schema-qualified table name for raw SQL. */
  table(name: string): string
  quote(name: string): string
  /** Inserts a row with bound values; booleans and objects passed as the engine wants them. */
  insert(table: string, row: Record<string, unknown>): Promise<void>
  /** All rows of a table, ordered by the given column. */
  rows(table: string, orderBy: string): Promise<Row[]>
  /** A value that changes whenever any DDL touches the scope (catalog row versions, schema_version). */
  schemaStamp(): Promise<string>
  dispose(): Promise<void>
}

export interface Backend {
  name: 'postgres' | 'pglite' | 'sqlite' | 'mysql'
  /** The dialect family, for per-dialect expectations. */
  dialect: 'postgres' | 'sqlite' | 'mysql'
  /** Several processes can open the same scope (a server, a file); PGlite lives in one process. */
  multiProcess: boolean
  create(): Promise<TestScope>
}

const id = () => randomBytes(5).toString('hex')

function insertWith(run: TestScope['raw'], table: (n: string) => string, q: (n: string) => string, ph: (i: number) => string) {
  return async (name: string, row: Record<string, unknown>) => {
    const keys = Object.keys(row)
    await run(
      `INSERT INTO ${table(name)} (${keys.map(q).join(', ')}) VALUES (${keys.map((_, i) => ph(i + 1)).join(', ')})`,
      Object.values(row),
    )
  }
}

/** Row versions (xmin) of every catalog row describing the schema's objects: any DDL changes one. */
async function postgresStamp(raw: TestScope['raw'], schema: string): Promise<string> {
  const rows = await raw(
    `SELECT (SELECT string_agg(c.relname || ':' || c.xmin::text, ',' ORDER BY c.relname) FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1) AS rels,
            (SELECT string_agg(a.attrelid::text || ':' || a.attname || ':' || a.xmin::text, ',' ORDER BY a.attrelid, a.attnum)
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1) AS atts,
            (SELECT string_agg(co.conname || ':' || co.xmin::text, ',' ORDER BY co.conname) FROM pg_constraint co
              JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = $1) AS cons`,
    [schema],
  )
  return JSON.stringify(rows[0])
}

const pgQuote = (n: string) => `"${n.replace(/"/g, '""')}"`

/** A scope in one PostgreSQL schema, reached through `raw` (a server client or PGlite alike). */
function postgresScope(raw: TestScope['raw'], schema: string, config: DataSourceConfig, dispose: () => Promise<void>): TestScope {
  const table = (n: string) => `${pgQuote(schema)}.${pgQuote(n)}`
  return {
    config,
    catalog: postgresCatalog(raw, schema),
    raw,
    table,
    quote: pgQuote,
    insert: insertWith(raw, table, pgQuote, (i) => `$${i}`),
    rows: (t, o) => raw(`SELECT * FROM ${table(t)} ORDER BY ${pgQuote(o)}`),
    schemaStamp: () => postgresStamp(raw, schema),
    dispose,
  }
}

export const postgresBackend: Backend = {
  name: 'postgres',
  dialect: 'postgres',
  multiProcess: true,
  async create() {
    const client = new pg.Client({ connectionString: PG_URL })
    try {
      await client.connect()
    } catch (e) {
      throw new Error(`PostgreSQL is required for these tests at ${PG_URL}: ${(e as Error).message}`)
    }
    const schema = `t_${id()}`
    await client.query(`CREATE SCHEMA ${pgQuote(schema)}`)
    const raw = async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows
    return postgresScope(raw, schema, { connector: 'postgresql', url: PG_URL, schema, max: 4 }, async () => {
      await client.query(`DROP SCHEMA ${pgQuote(schema)} CASCADE`)
      await client.end()
    })
  },
}

let sharedPglite: Promise<PGlite> | undefined
/** One PGlite per test process: it takes seconds and hundreds of MB to start. */
export function pglite(): Promise<PGlite> {
  sharedPglite ??= import('@electric-sql/pglite').then(async ({ PGlite }) => {
    const db = new PGlite()
    await db.waitReady
    return db
  })
  return sharedPglite
}

export const pgliteBackend: Backend = {
  name: 'pglite',
  dialect: 'postgres',
  multiProcess: false,
  async create() {
    const db = await pglite()
    const schema = `t_${id()}`
    await db.exec(`CREATE SCHEMA ${pgQuote(schema)}`)
    const raw = async (sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows
    return postgresScope(raw, schema, { connector: 'pglite', pglite: db, schema }, async () => {
      await db.exec(`DROP SCHEMA ${pgQuote(schema)} CASCADE`)
    })
  },
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  dialect: 'sqlite',
  multiProcess: true,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-'))
    const file = join(dir, 'test.db')
    const db = new BetterSqlite(file)
    db.pragma('journal_mode = WAL')
    const bind = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Date ? v.toISOString() : v)
    const raw = async (sql: string, params?: unknown[]) => {
      const stmt = db.prepare(sql)
      const args = (params ?? []).map(bind)
      if (stmt.reader) return stmt.all(...args) as Row[]
      stmt.run(...args)
      return []
    }
    const table = (n: string) => pgQuote(n)
    return {
      config: { connector: 'sqlite', file },
      catalog: sqliteCatalog(raw),
      raw,
      table,
      quote: pgQuote,
      insert: insertWith(raw, table, pgQuote, () => '?'),
      rows: (t, o) => raw(`SELECT * FROM ${table(t)} ORDER BY ${pgQuote(o)}`),
      schemaStamp: async () => String((await raw('PRAGMA schema_version'))[0]!.schema_version),
      async dispose() {
        db.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  },
}

const myQuote = (n: string) => `\`${n.replace(/`/g, '``')}\``

/** Each scope is its own database `t_<random>` on the MariaDB/MySQL server, dropped on dispose. */
export const mysqlBackend: Backend = {
  name: 'mysql',
  dialect: 'mysql',
  multiProcess: true,
  async create() {
    let conn: mysql.Connection
    try {
      conn = await mysql.createConnection({ uri: MYSQL_URL, timezone: 'Z', supportBigNumbers: true })
    } catch (e) {
      throw new Error(`MySQL/MariaDB is required for these tests at ${MYSQL_URL}: ${(e as Error).message}`)
    }
    const database = `t_${id()}`
    await conn.query(`CREATE DATABASE ${myQuote(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
    await conn.query(`USE ${myQuote(database)}`)
    const raw = async (sql: string, params?: unknown[]) => {
      const [result] = await conn.query(sql, params)
      return Array.isArray(result) ? (result as Row[]) : []
    }
    const table = (n: string) => `${myQuote(database)}.${myQuote(n)}`
    return {
      config: { connector: 'mysql', url: `${MYSQL_URL}/${database}`, max: 4 },
      catalog: mysqlCatalog(raw, database),
      raw,
      table,
      quote: myQuote,
      insert: insertWith(raw, table, myQuote, () => '?'),
      rows: (t, o) => raw(`SELECT * FROM ${table(t)} ORDER BY ${myQuote(o)}`),
      // Every table's definition and creation time: any ALTER changes one or the other.
      async schemaStamp() {
        const tables = await raw(
          `SELECT TABLE_NAME AS name, CREATE_TIME AS created FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
          [database],
        )
        const parts: string[] = []
        for (const t of tables) {
          const [def] = await raw(`SHOW CREATE TABLE ${table(t.name)}`)
          parts.push(`${t.name}@${String(t.created)}:${String(def!['Create Table']).replace(/ AUTO_INCREMENT=\d+/, '')}`)
        }
        return parts.join('\n')
      },
      async dispose() {
        await conn.query(`DROP DATABASE ${myQuote(database)}`)
        await conn.end()
      },
    }
  },
}

/** Every back end the conformance scenarios run on. A missing server fails its tests; none is skipped. */
export const backends: Backend[] = [postgresBackend, pgliteBackend, sqliteBackend, mysqlBackend]
