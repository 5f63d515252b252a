import type { Connection, QueryResult } from '../dialects/connection.js'

/**
 * A server's shared connection seen from one tenant: every session first points unqualified
 * names at the tenant's schema (and resets it after), so migration files written without a
 * schema run in the right tenant over the shared pool.
 */
export class SchemaScopedConnection implements Connection {
  constructor(
    private readonly inner: Connection,
    private readonly set: string,
    private readonly reset?: string,
  ) {}
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    return this.inner.session(async (s) => {
      await s.exec(this.set)
      try {
        return await fn(s)
      } finally {
        if (this.reset) await s.exec(this.reset).catch(() => {})
      }
    })
  }
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.session((s) => s.query<R>(sql, params))
  }
  exec(sql: string): Promise<void> {
    return this.session((s) => s.exec(sql))
  }
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.session((s) => s.transaction(fn))
  }
  async close() {}
}
