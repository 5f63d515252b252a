// MySQL / MariaDB figures for `npm run bench`: introspection round trips and time, fresh
// auto-migrate beside the same DDL sent statement by statement through raw mysql2, and a
// no-op auto-update, for N generated models (the models of bench/schema.mjs).
import mysql from 'mysql2/promise'
import { CountingConnection, DataSource, mysqlDialect } from '../dist/index.js'
import { MysqlPoolConnection } from '../dist/dialects/mysql/connection.js'
import { generateModels } from './schema.mjs'

const ms = (t) => Number(t.toFixed(1))
async function time(fn) {
  const t0 = performance.now()
  const r = await fn()
  return [performance.now() - t0, r]
}
async function best(times, fn) {
  let min = Infinity
  let last
  for (let i = 0; i < times; i++) {
    const [t, r] = await time(fn)
    min = Math.min(min, t)
    last = r
  }
  return [min, last]
}

const q = (n) => `\`${n.replace(/`/g, '``')}\``

export async function benchMysql({ mysqlUrl = process.env.SHIPSHAPE_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306', sizes = [10, 100, 500] } = {}) {
  const admin = await mysql.createConnection({ uri: mysqlUrl })
  const [[{ version }]] = await admin.query('SELECT VERSION() AS version')
  const rows = []
  try {
    for (const n of sizes) {
      const db = `bench_${n}_${process.pid}`
      const scriptDb = `bench_script_${n}_${process.pid}`
      for (const d of [db, scriptDb]) {
        await admin.query(`DROP DATABASE IF EXISTS ${q(d)}`)
        await admin.query(`CREATE DATABASE ${q(d)}`)
      }
      const models = generateModels(n)
      const ds = new DataSource({ connector: 'mysql', url: `${mysqlUrl}/${db}`, models })
      try {
        await ds.connection()

        // Fresh auto-migrate, versus the very same statements sent one by one through mysql2
        // (DDL can't be batched in a transaction here, so this is the floor).
        const [migrateMs, result] = await time(() => ds.automigrate())
        const statements = result.plan.changes.flatMap((c) =>
          c.statements.filter((s) => s.combinedInto === undefined).map((s) => s.sql.replaceAll(q(db), q(scriptDb))),
        )
        const raw = await mysql.createConnection({ uri: `${mysqlUrl}/${scriptDb}` })
        const [scriptMs] = await time(async () => {
          for (const sql of statements) await raw.query(sql)
        })
        await raw.end()

        // Introspection alone, counting round trips.
        const conn = new MysqlPoolConnection({ url: `${mysqlUrl}/${db}`, max: 1 })
        const counting = new CountingConnection(conn)
        const refs = models.map((m) => ({ schema: db, name: m.definition.name }))
        await mysqlDialect.introspect(counting, refs) // warm
        counting.count = 0
        const [introspectMs, found] = await best(3, () => mysqlDialect.introspect(counting, refs))
        if (found.tables.length !== n) throw new Error(`introspection found ${found.tables.length} of ${n} tables`)
        const queries = counting.count / 3
        await conn.close()

        // No-op auto-update: lock, introspect, diff, nothing to execute.
        await ds.autoupdate()
        const [noopMs, noop] = await best(3, () => ds.autoupdate())
        if (noop.plan.changes.length) throw new Error(`no-op auto-update planned ${noop.plan.changes.length} changes`)

        rows.push({
          models: n,
          introspect_queries: queries,
          introspect_ms: ms(introspectMs),
          automigrate_ms: ms(migrateMs),
          statements: statements.length,
          plain_statements_ms: ms(scriptMs),
          automigrate_vs_plain: Number((migrateMs / scriptMs).toFixed(2)),
          noop_autoupdate_ms: ms(noopMs),
        })
      } finally {
        await ds.disconnect()
        for (const d of [db, scriptDb]) await admin.query(`DROP DATABASE IF EXISTS ${q(d)}`)
      }
    }
  } finally {
    await admin.end()
  }
  return { [`Schema engine on ${version} (time in ms; best of 3 for introspection and no-op)`]: rows }
}
