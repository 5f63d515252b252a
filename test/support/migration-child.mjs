// A separate process running `migration up` for the fault tests, on the built package.
// CHILD_CONFIG: datasource config (JSON); CHILD_DIR: migrations folder;
// CHILD_KILL_BEFORE: SIGKILL itself just before sending the first statement matching this regex.
import { DataSource, MigrationRunner } from '../../dist/index.js'

const config = JSON.parse(process.env.CHILD_CONFIG)
const killBefore = process.env.CHILD_KILL_BEFORE ? new RegExp(process.env.CHILD_KILL_BEFORE) : undefined
const check = (sql) => {
  if (killBefore?.test(sql)) process.kill(process.pid, 'SIGKILL')
}
// Every statement the runner sends passes here, on whichever session or transaction it uses.
// The wrapper inherits from the connection, so a lock that checks its class (SQLite) still
// recognises it.
const wrap = (c) =>
  Object.create(c, {
    query: { value: (sql, params) => (check(sql), c.query(sql, params)) },
    exec: { value: (sql) => (check(sql), c.exec(sql)) },
    transaction: { value: (fn) => c.transaction((tx) => fn(wrap(tx))) },
    session: { value: (fn) => c.session((s) => fn(wrap(s))) },
    close: { value: () => c.close() },
  })

const ds = new DataSource(config)
try {
  const runner = new MigrationRunner({ dialect: ds.dialect, connection: wrap(await ds.connection()), dir: process.env.CHILD_DIR, schema: ds.settings.schema, lockTimeout: 60_000 })
  const r = await runner.up()
  process.stdout.write(JSON.stringify({ migrations: r.migrations }) + '\n')
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.message, code: e.code }) + '\n')
  process.exitCode = 1
} finally {
  await ds.disconnect()
}
