// One application version writing in its own process, for the expand tests: inserts, updates of
// existing rows and reads through its version's repository until told to stop. Runs on the built
// package. CHILD_CONFIG: datasource config (JSON, with its schemaVersion); CHILD_KIND: a case of
// expand-models.mjs; CHILD_VERSION: v1 or v2; CHILD_ROWS: rows seeded (the keys updated and read).
// Reports {ops, errors} to the parent every few operations and once more when stopped.
import { DataSource, DefaultCrudRepository, defineModel } from '../../dist/index.js'
import { expandCases } from './expand-models.mjs'

const c = expandCases(defineModel)[process.env.CHILD_KIND]
const version = process.env.CHILD_VERSION
const rows = Number(process.env.CHILD_ROWS)
const model = c[version]
const row = version === 'v1' ? c.v1Row : c.v2Row
const ds = new DataSource({ ...JSON.parse(process.env.CHILD_CONFIG), models: [model] })
const repo = new DefaultCrudRepository(model, ds)
const errors = []
let ops = 0
let stopped = false
process.on('message', (m) => {
  if (m === 'stop') stopped = true
})
const report = () => new Promise((r) => process.send({ ops, errors: errors.slice(0, 20) }, r))
for (let i = 0; !stopped; i++) {
  try {
    if (i % 3 === 0) await repo.create(row(i))
    else if (i % 3 === 1) await repo.updateById(1 + ((i * 7919) % rows), row(i))
    else await repo.findById(1 + ((i * 104729) % rows))
    ops++
  } catch (e) {
    errors.push(e.message)
    await new Promise((r) => setTimeout(r, 5))
  }
  if (i % 10 === 0) await report()
}
await ds.disconnect()
await report()
process.disconnect()
