import type { Connection } from '../connection.js'
import type { DdlEngine, StatementRepair } from '../ddl-engine.js'
import { standardSqlGrammar, stripComments, type SqlGrammar } from '../sql-text.js'

/** PostgreSQL's lexical grammar: dollar quotes, and the commands refused in a transaction block. */
export const postgresGrammar: SqlGrammar = {
  ...standardSqlGrammar,
  hasDollarQuotes: true,
  hasAtomicBodies: true,
  // https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
  // and the other commands documented as "cannot be executed inside a transaction block".
  nonTransactional: [
    /^CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b/i,
    /^DROP\s+INDEX\s+CONCURRENTLY\b/i,
    /^REINDEX\b[\s\S]*\bCONCURRENTLY\b/i,
    /^ALTER\s+TABLE\b[\s\S]*\bDETACH\s+PARTITION\b[\s\S]*\bCONCURRENTLY\b/i,
    /^VACUUM\b/i,
    /^(CREATE|DROP)\s+DATABASE\b/i,
    /^(CREATE|DROP)\s+TABLESPACE\b/i,
    /^ALTER\s+SYSTEM\b/i,
    /^CREATE\s+SUBSCRIPTION\b/i,
  ],
}

/** An identifier as written: `"quoted ""name"""` or a bare word. */
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`

function unquote(ident: string): string {
  return ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident.toLowerCase()
}

/** The index and table a `CREATE INDEX CONCURRENTLY` builds, to clean up a failed earlier build. */
export function concurrentIndexTarget(sql: string): { index: string; table: { schema?: string; name: string } } | undefined {
  const re = new RegExp(
    String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(${IDENT})\s+ON\s+(?:ONLY\s+)?(${IDENT})(?:\s*\.\s*(${IDENT}))?`,
    'i',
  )
  const m = re.exec(stripComments(sql, postgresGrammar).trim())
  if (!m) return undefined
  const index = unquote(m[1]!)
  const table = m[3] ? { schema: unquote(m[2]!), name: unquote(m[3]) } : { name: unquote(m[2]!) }
  return { index, table }
}

/**
 * A failed `CREATE INDEX CONCURRENTLY` leaves an invalid index of that name behind, and the
 * same build then fails on it (https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY).
 * Before the build, that index is dropped. When a resumed migration starts at the build and a
 * valid index of that name is there, the earlier run stopped after the build and before
 * recording it: it counts as done.
 */
export function invalidIndexRepair(engine: () => DdlEngine): StatementRepair {
  return {
    async prepare(conn: Connection, sql: string, options: { schema?: string; isResumePoint: boolean }) {
      const target = concurrentIndexTarget(sql)
      if (!target) return 'run'
      const ref = target.table.schema ? target.table : { ...(options.schema ? { schema: options.schema } : {}), name: target.table.name }
      const db = await engine().introspect(conn, [ref])
      const table = db.tables[0]
      const existing = table?.indexes.find((ix) => ix.name === target.index)
      if (table && existing?.isInvalid) {
        for (const s of engine().render({ kind: 'drop-index', table: ref, index: existing }, { current: db })) await conn.exec(s.sql)
        return 'run'
      }
      return existing && options.isResumePoint ? 'done' : 'run'
    },
    failureNote: (sql: string) => (concurrentIndexTarget(sql) ? 'an invalid index it left behind is dropped and built again on the next run' : undefined),
  }
}
