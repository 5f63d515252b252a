import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DataSource, EXIT, migrateCli, pullModels } from '../../src/index.js'
import { apps } from './apps/index.js'
import {
  createTarget,
  describePlan,
  entityModels,
  loopbackBackends,
  loopbackDataSource,
  loopbackRows,
  shipshapeDataSource,
  shipshapeRows,
  type AdoptionTarget,
} from './loopback-harness.js'

// Each of the five public LoopBack 4 apps on each back end: real LoopBack creates and fills the
// tables, then Shipshape (naming: 'loopback', the same definitions) adopts the database as it is.
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined)
})

async function target(backend: (typeof loopbackBackends)[number]): Promise<AdoptionTarget> {
  const t = await createTarget(backend)
  cleanups.push(() => t.dispose())
  return t
}

describe.each(loopbackBackends)('adopting a LoopBack database on %s', (backend) => {
  it.each(apps.map((a) => [a.name, a] as const))('%s: zero planned changes, rows identical both ways', async (_name, app) => {
    const t = await target(backend)
    const lb = loopbackDataSource(t, app.models)
    cleanups.push(() => lb.disconnect())
    await lb.automigrate()
    await app.seed(async (model, data) => (await lb.model(model).create(data)).toObject(), 1)

    const ss = shipshapeDataSource(t, app.models)
    cleanups.push(() => ss.ds.disconnect())
    const plan = await ss.ds.planAutoupdate()
    expect(describePlan(plan), 'planned changes').toBe('')
    expect(plan.changes).toEqual([])
    for (const f of plan.adoption ?? []) console.info(`[${backend} ${app.name}] adoption finding: ${f.message}`)
    // `shipshape pull` on LoopBack's tables writes models that plan nothing either.
    const out = mkdtempSync(join(tmpdir(), 'shipshape-pull-'))
    cleanups.push(async () => rmSync(out, { recursive: true, force: true }))
    const pulled = await pullModels(ss.ds, { out })
    const fromPull = new DataSource({ ...t.shipshapeConfig, models: pulled.models })
    cleanups.push(() => fromPull.disconnect())
    expect(describePlan(await fromPull.planAutoupdate()), 'pulled models vs the database').toBe('')

    // Shipshape reads what LoopBack wrote.
    for (const m of entityModels(app.models)) {
      const props = Object.keys(lb.model(m.name).definition.properties)
      expect(await shipshapeRows(ss, m, props), `${m.name} read by Shipshape`).toEqual(await loopbackRows(lb, m))
    }
    // A model declaring no id has the juggler's generated numeric one, through Shipshape too.
    for (const m of entityModels(app.models).filter((x) => !Object.values(x.properties).some((p) => p.id)))
      for (const row of await ss.repository(m.name).find()) expect(typeof row.getId()).toBe('number')
    // LoopBack reads what Shipshape wrote, and both agree on every row.
    await app.seed(async (model, data) => ss.repository(model).create(data) as any, 2)
    for (const m of entityModels(app.models)) {
      const props = Object.keys(lb.model(m.name).definition.properties)
      const viaLoopback = await loopbackRows(lb, m)
      expect(viaLoopback.length, `${m.name} rows`).toBeGreaterThan(0)
      expect(await shipshapeRows(ss, m, props), `${m.name} after both wrote`).toEqual(viaLoopback)
    }
    // Date filters select the same rows through either tool once both have written (one representation per property).
    const pivot = new Date(Date.UTC(2024, 2, 1))
    for (const m of entityModels(app.models))
      for (const [p, def] of Object.entries(m.properties)) {
        if (def.type !== 'date') continue
        const ids = (rows: any[]) => rows.map((r) => JSON.stringify(r.getId ? r.getId() : r.id ?? r[Object.keys(m.properties)[0]!])).sort()
        const viaShipshape = await ss.repository(m.name).find({ where: { [p]: { gt: pivot } } })
        const viaLoopback = await lb.model(m.name).find({ where: { [p]: { gt: pivot } } })
        expect(ids(viaShipshape), `${m.name}.${p} > ${pivot.toISOString()}`).toEqual(ids(viaLoopback))
        expect(viaShipshape.length + (await ss.repository(m.name).find({ where: { [p]: { lte: pivot } } })).length).toBe(
          (await ss.repository(m.name).find({ where: { [p]: { neq: null } } })).length,
        )
      }
    expect((await ss.ds.planAutoupdate()).changes).toEqual([])
  })
})

describe('adoption findings: listed, never blocking, applied only when asked', () => {
  it.each(['sqlite', 'mysql'] as const)('%s: LoopBack\'s missing foreign key (and SQLite\'s non-unique "unique" index) fixed by adopt: \'fix\'', async (backend) => {
    const app = apps.find((a) => a.name === 'access-control-migration')!
    const t = await target(backend)
    const lb = loopbackDataSource(t, app.models)
    cleanups.push(() => lb.disconnect())
    await lb.automigrate()
    await app.seed(async (model, data) => (await lb.model(model).create(data)).toObject(), 1)
    const ss = shipshapeDataSource(t, app.models)
    cleanups.push(() => ss.ds.disconnect())

    const plan = await ss.ds.planAutoupdate()
    const expected = backend === 'sqlite' ? ['missing-foreign-key', 'non-unique-index'] : ['missing-foreign-key']
    expect(plan.changes).toEqual([])
    expect((plan.adoption ?? []).map((f) => f.kind).sort()).toEqual(expected)
    // A plain auto-update leaves them alone and sends nothing.
    expect(await ss.ds.autoupdate()).toMatchObject({ executed: false, statementCount: 0 })

    // Applied when asked: through the API on SQLite, as `npm run migrate -- --fix-adoption` on MariaDB.
    if (backend === 'sqlite') expect((await ss.ds.autoupdate(undefined, { adopt: 'fix' })).executed).toBe(true)
    else expect(await migrateCli({ datasources: [ss.ds] }, ['--fix-adoption', '--json'])).toBe(EXIT.ok)
    const after = await ss.ds.planAutoupdate()
    expect(after.changes).toEqual([])
    expect(after.adoption).toBeUndefined()
    const { current } = await ss.ds.describeSchema()
    const byName = (n: string) => current.tables.find((tb) => tb.name.toLowerCase() === n)!
    expect(byName('project').foreignKeys.map((f) => [f.name, f.references.table.toLowerCase()])).toEqual([['fk_project_ownerId', 'user']])
    expect(byName('user').indexes.filter((i) => i.columns.map((c) => c.name).join() === 'email').map((i) => i.isUnique)).toEqual([true])
    // Rows kept, and LoopBack still reads them.
    for (const m of entityModels(app.models)) {
      const props = Object.keys(lb.model(m.name).definition.properties)
      expect(await shipshapeRows(ss, m, props)).toEqual(await loopbackRows(lb, m))
    }
  })
})
