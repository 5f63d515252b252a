// Schema-engine figures on PostgreSQL: introspection queries and time, fresh auto-migrate
// beside the same DDL as one plain script, and a no-op auto-update, for N generated models.
import pg from 'pg'
import { CountingConnection, DataSource, defineModel, postgresDialect } from '../dist/index.js'
import { PgPoolConnection } from '../dist/dialects/postgres/connection.js'
import { best, ms, time } from './timing.mjs'

export function generateModels(n) {
  const models = []
  for (let i = 0; i < n; i++) {
    models.push(
      defineModel({
        name: `Model${i}`,
        properties: {
          id: { type: 'number', id: true, generated: true },
          title: { type: 'string', required: true, length: 200 },
          body: { type: 'string' },
          amount: { type: 'number', precision: 12, scale: 2 },
          done: { type: 'boolean', default: false },
          createdAt: { type: 'date', defaultFn: 'now' },
          ...(i > 0 ? { parentId: { type: 'number' } } : {}),
        },
        settings: {
          indexes: { [`model${i}_title_idx`]: { keys: { title: 1 } } },
          ...(i > 0
            ? { foreignKeys: { [`model${i}_parent_fk`]: { name: `model${i}_parent_fk`, entity: `Model${i - 1}`, entityKey: 'id', foreignKey: 'parentId' } } }
            : {}),
        },
      }),
    )
  }
  return models
}


export async function benchSchema({ pgUrl, sizes = [10, 100, 500] }) {
  const rows = []
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  for (const n of sizes) {
    const schema = `bench_${n}_${process.pid}`
    const scriptSchema = `bench_script_${n}_${process.pid}`
    const models = generateModels(n)
    const ds = new DataSource({ connector: 'postgresql', url: pgUrl, schema, models })

    // Fresh auto-migrate into an empty schema, versus the very same DDL sent as one plain
    // script into another empty schema; alternating rounds, best of each.
    let migrateMs = Infinity
    let scriptMs = Infinity
    for (let round = 0; round < 3; round++) {
      for (const s of [schema, scriptSchema]) {
        await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`)
        await admin.query(`CREATE SCHEMA ${s}`)
      }
      await ds.connection()
      const [m, result] = await time(() => ds.automigrate())
      const script = result.plan.changes
        .flatMap((c) => c.statements.map((st) => st.sql))
        .join(';\n')
        .replaceAll(`"${schema}"`, `"${scriptSchema}"`)
      const [sm] = await time(() => admin.query(`BEGIN; ${script}; COMMIT`))
      migrateMs = Math.min(migrateMs, m)
      scriptMs = Math.min(scriptMs, sm)
    }

    // Introspection alone, counting round trips.
    const conn = new PgPoolConnection({ connectionString: pgUrl, max: 1 })
    const counting = new CountingConnection(conn)
    const refs = models.map((m) => ({ schema, name: m.definition.name }))
    await postgresDialect.introspect(counting, refs) // warm
    counting.count = 0
    const [introspectMs] = await best(3, () => postgresDialect.introspect(counting, refs))
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
      plain_script_ms: ms(scriptMs),
      automigrate_vs_script: Number((migrateMs / scriptMs).toFixed(2)),
      noop_autoupdate_ms: ms(noopMs),
    })
    await ds.disconnect()
    await admin.query(`DROP SCHEMA ${schema} CASCADE`)
    await admin.query(`DROP SCHEMA ${scriptSchema} CASCADE`)
  }
  await admin.end()
  return rows
}
