// One application version of the expand benchmark, in its own process: inserts, updates and
// reads through its version's repository (datasource option schemaVersion), and reports per phase
// its operations, errors and longest stall (the slowest single operation).
import { DataSource, DefaultCrudRepository } from '../dist/index.js'
import { models, rows } from './expand-models.mjs'

const [url, schema, version, maxId] = process.argv.slice(2)
const ds = new DataSource({ connector: 'postgresql', url, schema, schemaVersion: version, models: [models[version]], max: 2 })
const repo = new DefaultCrudRepository(models[version], ds)
const phases = {}
let phase = 'start'
let stop = false
process.on('message', (m) => {
  if (m === 'stop') stop = true
  else if (typeof m === 'object' && m.phase) phase = m.phase
})
const stat = () => (phases[phase] ??= { ops: 0, errors: 0, longest_ms: 0, longest_op: undefined, first_error: undefined })
const OPS = ['insert', 'update', 'read']
await repo.findById(1)
process.send?.('ready')
for (let i = 0; !stop; i++) {
  const t0 = performance.now()
  const s = stat()
  try {
    if (i % 3 === 0) await repo.create(rows[version](i))
    else if (i % 3 === 1) await repo.updateById(1 + ((i * 7919) % Number(maxId)), rows[version](i))
    else await repo.findById(1 + ((i * 104729) % Number(maxId)))
    s.ops++
  } catch (e) {
    s.errors++
    s.first_error ??= e.message.slice(0, 80)
    // A broken version fails fast; don't spin.
    await new Promise((r) => setTimeout(r, 5))
  }
  const ms = Math.round(performance.now() - t0)
  // Which operation stalled longest, and when: to tell a lock wait from a busy machine.
  if (ms > s.longest_ms) {
    s.longest_ms = ms
    s.longest_op = `${OPS[i % 3]} at ${new Date().toISOString().slice(11, 23)}`
  }
}
await ds.disconnect()
process.send?.({ phases }, () => process.disconnect?.())
