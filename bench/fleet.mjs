// Fleet figures: N tenant schemas × M models on PostgreSQL — fresh, no-op and v1→v2 with
// migrateFleet — beside the serial `DataSource({schema}).autoupdate()` loop (run over a sample
// and scaled to N) and a sampled loop of one CLI process per tenant; and SQLite files.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { DataSource, defineModel, migrateFleet } from '../dist/index.js'
import { generateModels } from './schema.mjs'
import { time } from './timing.mjs'

/** v2 of the generated models: every model gains a nullable `priority` column. */
function v2Models(n) {
  return generateModels(n).map((m) =>
    defineModel({ ...m.definition, properties: { ...m.definition.properties, priority: { type: 'number' } } }),
  )
}

async function dropSchemas(admin, names) {
  // One schema a statement: dropping many in one transaction runs out of lock slots.
  for (const s of names) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
}

async function serialLoop(pgUrl, schemas, models) {
  const [t] = await time(async () => {
    for (const schema of schemas) {
      const ds = new DataSource({ connector: 'postgresql', url: pgUrl, schema, models })
      await ds.autoupdate()
      await ds.disconnect()
    }
  })
  return t
}

function cliLoop(pgUrl, schemas, models) {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-fleet-bench-'))
  const lib = pathToFileURL(resolve('dist/index.js')).href
  const bench = pathToFileURL(resolve('bench/schema.mjs')).href
  writeFileSync(
    join(dir, 'shipshape.config.mjs'),
    `import { generateModels } from ${JSON.stringify(bench)}
export default { datasources: [{ connector: 'postgresql', url: ${JSON.stringify(pgUrl)}, schema: process.env.TENANT }], models: generateModels(${models}) }
void ${JSON.stringify(lib)}
`,
  )
  const t0 = performance.now()
  for (const schema of schemas) {
    const r = spawnSync(process.execPath, [resolve('dist/cli/main.js'), 'migrate'], { cwd: dir, env: { ...process.env, TENANT: schema }, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`CLI migrate failed for ${schema}: ${r.stderr}`)
  }
  const t = performance.now() - t0
  rmSync(dir, { recursive: true, force: true })
  return t
}

export async function benchFleet({ pgUrl, tenants = 1000, models = 20, concurrency = 8, sample = 100, cliSample = 5, sqliteFiles = 100 }) {
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  const prefix = `fleetbench_${process.pid}_`
  const schemas = Array.from({ length: tenants }, (_, i) => `${prefix}${i}`)
  const v1 = generateModels(models)
  const v2 = v2Models(models)
  const targets = schemas.map((schema) => ({ connector: 'postgresql', url: pgUrl, schema }))
  const rows = []
  const row = (name, fleetMs, serialMs, note) =>
    rows.push({ case: name, fleet_ms: Math.round(fleetMs), serial_loop_ms: serialMs === undefined ? '' : Math.round(serialMs), ratio: serialMs === undefined ? '' : Number((serialMs / fleetMs).toFixed(1)), note })
  const sampleSchemas = schemas.slice(0, sample).map((s) => `${s}_serial`)
  const cliSchemas = schemas.slice(0, cliSample).map((s) => `${s}_cli`)
  try {
    await dropSchemas(admin, schemas)
    // Serial loop over a sample, scaled to the whole fleet.
    const serialFresh = ((await serialLoop(pgUrl, sampleSchemas, v1)) / sample) * tenants
    const serialNoop = ((await serialLoop(pgUrl, sampleSchemas, v1)) / sample) * tenants
    const serialV2 = ((await serialLoop(pgUrl, sampleSchemas, v2)) / sample) * tenants
    await dropSchemas(admin, sampleSchemas)

    const [fresh, r1] = await time(() => migrateFleet({ models: v1, targets, concurrency }))
    if (r1.totals.failed) throw new Error(`fresh fleet: ${r1.totals.failed} failed: ${r1.targets.find((t) => !t.ok).error.message}`)
    row(`fresh: ${tenants} schemas × ${models} models`, fresh, serialFresh, `serial loop: ${sample} tenants, scaled ×${tenants / sample}`)
    const [noop, r2] = await time(() => migrateFleet({ models: v1, targets, concurrency }))
    if (r2.totals.actual !== tenants) throw new Error(`no-op fleet: ${r2.totals.actual} of ${tenants} actual`)
    row(`no-op: ${tenants} schemas × ${models} models`, noop, serialNoop, `${r2.totals.fingerprintMatches} tenants matched by fingerprint`)
    const [upgrade, r3] = await time(() => migrateFleet({ models: v2, targets, concurrency }))
    if (r3.totals.applied !== tenants) throw new Error(`v1→v2 fleet: ${r3.totals.applied} of ${tenants} applied`)
    row(`v1→v2 (+1 column × ${models} tables)`, upgrade, serialV2, `${r3.totals.statements} statements`)

    const cliMs = (cliLoop(pgUrl, cliSchemas, models) / cliSample) * tenants
    await dropSchemas(admin, cliSchemas)
    rows.push({ case: `CLI process per tenant (fresh)`, fleet_ms: Math.round(fresh), serial_loop_ms: Math.round(cliMs), ratio: Number((cliMs / fresh).toFixed(1)), note: `${cliSample} processes sampled, scaled ×${tenants / cliSample}` })
  } finally {
    await dropSchemas(admin, [...schemas, ...sampleSchemas, ...cliSchemas])
    await admin.end()
  }

  // SQLite: one file per tenant.
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-fleet-sqlite-'))
  try {
    const files = Array.from({ length: sqliteFiles }, (_, i) => join(dir, `t${i}.db`))
    const serialFiles = files.map((f) => f.replace(/\.db$/, '-serial.db'))
    const loop = async (fs, ms) => {
      const [t] = await time(async () => {
        for (const file of fs) {
          const ds = new DataSource({ connector: 'sqlite', file, models: ms })
          await ds.autoupdate()
          await ds.disconnect()
        }
      })
      return t
    }
    const sqliteTargets = files.map((file) => ({ connector: 'sqlite', file }))
    const serialFresh = await loop(serialFiles, v1)
    const serialNoop = await loop(serialFiles, v1)
    const [fresh] = await time(() => migrateFleet({ models: v1, targets: sqliteTargets, concurrency }))
    const [noop] = await time(() => migrateFleet({ models: v1, targets: sqliteTargets, concurrency }))
    row(`SQLite fresh: ${sqliteFiles} files × ${models} models`, fresh, serialFresh, '')
    row(`SQLite no-op: ${sqliteFiles} files × ${models} models`, noop, serialNoop, '')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tenants = Number(process.env.TENANTS ?? 1000)
  console.table(await benchFleet({ pgUrl: process.env.SHIPSHAPE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test', tenants }))
}
