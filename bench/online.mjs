// Adds a column with a default and an index to a 1,000,000-row PostgreSQL table while another
// process keeps inserting and reading; reports the writer's errors and longest stall, beside
// the same change made with a plain ALTER TABLE and CREATE INDEX.
import { fork } from 'node:child_process'
import pg from 'pg'
import { DataSource, defineModel } from '../dist/index.js'

const ROWS = Number(process.env.ONLINE_ROWS ?? 1_000_000)

const model = (withNew) =>
  defineModel({
    name: 'Big',
    properties: {
      id: { type: 'number', id: true, generated: true },
      payload: { type: 'string' },
      n: { type: 'number', dataType: 'integer' },
      ...(withNew ? { status: { type: 'string', length: 20, required: true, default: 'active' } } : {}),
    },
    settings: withNew ? { indexes: { big_n_idx: { keys: { n: 1 } } } } : {},
  })

async function underLoad(url, table, fn) {
  const writer = fork(new URL('./online-writer.mjs', import.meta.url), [url, table])
  await new Promise((r) => writer.once('message', r))
  await new Promise((r) => setTimeout(r, 500)) // steady state before the change
  const t0 = performance.now()
  await fn()
  const ms = performance.now() - t0
  await new Promise((r) => setTimeout(r, 300))
  const result = new Promise((r) => writer.on('message', (m) => typeof m === 'object' && r(m)))
  writer.send('stop')
  const { ops, errors, longest } = await result
  await new Promise((r) => (writer.exitCode !== null ? r() : writer.once('exit', r)))
  return { migration_ms: Math.round(ms), writer_ops: ops, writer_errors: errors, longest_stall_ms: Math.round(longest) }
}

export async function benchOnline({ pgUrl }) {
  const schema = `bench_online_${process.pid}`
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`)
  const ds = new DataSource({ connector: 'postgresql', url: pgUrl, schema, models: [model(false)] })
  await ds.autoupdate()
  const big = `"${schema}"."Big"`
  await admin.query(`INSERT INTO ${big} ("payload", "n") SELECT md5(g::text), g FROM generate_series(1, ${ROWS}) g`)
  await admin.query(`CREATE TABLE "${schema}"."Plain" (LIKE ${big} INCLUDING ALL)`)
  await admin.query(`INSERT INTO "${schema}"."Plain" OVERRIDING SYSTEM VALUE SELECT * FROM ${big}`)
  await admin.query(`SELECT setval(pg_get_serial_sequence('"${schema}"."Plain"', 'id'), ${ROWS})`)
  await admin.query(`ANALYZE ${big}; ANALYZE "${schema}"."Plain"`)
  await ds.disconnect()

  const rows = []
  const ds2 = new DataSource({ connector: 'postgresql', url: pgUrl, schema, models: [model(true)] })
  const plan = await ds2.planAutoupdate()
  rows.push({
    method: 'shipshape autoupdate',
    ...(await underLoad(pgUrl, big, () => ds2.autoupdate())),
    statements: plan.changes.flatMap((c) => c.statements.map((s) => s.sql.replace(/"[^"]*"\./g, '').split(' (')[0].slice(0, 40))).join('; '),
  })
  await ds2.disconnect()
  const plain = `"${schema}"."Plain"`
  rows.push({
    method: 'plain ALTER + CREATE INDEX',
    ...(await underLoad(pgUrl, plain, async () => {
      await admin.query(`BEGIN; ALTER TABLE ${plain} ADD COLUMN "status" varchar(20) NOT NULL DEFAULT 'active'; CREATE INDEX "plain_n_idx" ON ${plain} ("n"); COMMIT`)
    })),
    statements: 'ALTER TABLE … ADD COLUMN … DEFAULT; CREATE INDEX …',
  })
  await admin.query(`DROP SCHEMA ${schema} CASCADE`)
  await admin.end()
  return rows
}
