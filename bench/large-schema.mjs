// `node bench/large-schema.mjs [sizes…]` (default 1000 5000 10000): a fresh auto-update and a
// no-op at thousands of models on the server's own (default) lock settings, each size in its own
// database: time, round trips, transactions the plan was split into, peak RSS.
import pg from 'pg'
import { CountingConnection, postgresDialect } from '../dist/index.js'
import { SchemaMigrator } from '../dist/executor/migrator.js'
import { PgPoolConnection } from '../dist/dialects/postgres/connection.js'
import { generateModels } from './schema.mjs'
import { ms, time } from './timing.mjs'

const pgUrl = process.env.SHIPSHAPE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export async function benchLargeSchema({ sizes = [1000, 5000, 10000] } = {}) {
  const rows = []
  for (const n of sizes) {
    const database = `bench_large_${n}_${process.pid}`
    const admin = new pg.Client({ connectionString: pgUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${database}"`)
    const conn = new PgPoolConnection({ connectionString: pgUrl.replace(/\/[^/]*$/, `/${database}`), max: 4 })
    try {
      const counting = new CountingConnection(conn)
      const models = generateModels(n).map((m) => m.definition ?? m)
      const migrator = new SchemaMigrator({ dialect: postgresDialect, connection: counting, allModels: models })
      globalThis.gc?.()
      let peakRss = process.memoryUsage().rss
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
      const [freshMs, fresh] = await time(() => migrator.autoupdate(models))
      const freshTrips = counting.count
      counting.count = 0
      const [noopMs, noop] = await time(() => migrator.autoupdate(models))
      clearInterval(sampler)
      rows.push({
        models: n,
        'fresh ms': ms(freshMs),
        'fresh round trips': freshTrips,
        transactions: fresh.plan.split?.transactions ?? 1,
        'no-op ms': ms(noopMs),
        'no-op round trips': counting.count,
        'no-op changes': noop.plan.changes.length,
        'peak RSS MB': Math.round(peakRss / 1e6),
      })
    } finally {
      await conn.close()
      await admin.query(`DROP DATABASE "${database}" WITH (FORCE)`)
      await admin.end()
    }
  }
  return rows
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0)
  console.table(await benchLargeSchema(sizes.length ? { sizes } : {}))
}
