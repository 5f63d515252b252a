// A dialect added from outside src/, through the public API only, as a package would add one:
// SQLite under its own name and settings key, with a smaller bind-parameter limit so batching shows.
import { getConnector, registerConnector, registerDialect, sqliteDialect, type Connection, type Dialect } from '../../src/index.js'

export const litestoreDialect: Dialect = registerDialect({
  ...sqliteDialect,
  name: 'litestore',
  settingsKey: 'litestore',
  dml: { ...sqliteDialect.dml, maxParameters: 8 },
})

let statements: string[] = []

/** The statements the latest litestore connection ran. */
export const litestoreStatements = (): string[] => statements

/**
 * The connection, recording every statement, in its sessions and transactions too. A proxy, so the
 * SQLite lock still recognises its own session (`instanceof`) behind it.
 */
function recording<C extends Connection>(conn: C): C {
  return new Proxy(conn, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (prop === 'query' || prop === 'exec')
        return (sql: string, ...rest: unknown[]) => (statements.push(sql), (value as Function).call(target, sql, ...rest))
      if (prop === 'transaction' || prop === 'session')
        return (fn: (c: Connection) => Promise<unknown>) => (value as Function).call(target, (c: Connection) => fn(recording(c)))
      return value
    },
  })
}

const sqlite = getConnector('sqlite')
registerConnector('litestore', {
  dialect: litestoreDialect,
  describe: (c) => `litestore:${c.file ?? ':memory:'}`,
  async connect(config) {
    statements = []
    return recording(await sqlite.connect(config))
  },
})
