// A separate expanding process for the kill -9 test. Runs on the built package.
// CHILD_CONFIG: datasource config (JSON); CHILD_KIND: a case of expand-models.mjs;
// CHILD_KILL_AFTER: SIGKILL itself once the backfill has committed this many rows.
import { DataSource, defineModel } from '../../dist/index.js'
import { expandCases } from './expand-models.mjs'

const config = JSON.parse(process.env.CHILD_CONFIG)
const killAfter = Number(process.env.CHILD_KILL_AFTER ?? -1)
const ds = new DataSource({ ...config, models: [expandCases(defineModel)[process.env.CHILD_KIND].v2] })
try {
  await ds.expand(undefined, {
    batchSize: 1000,
    onProgress: (p) => {
      if (killAfter >= 0 && p.rowsDone >= killAfter) process.kill(process.pid, 'SIGKILL')
    },
  })
  process.stdout.write(JSON.stringify({ executed: true }) + '\n')
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.message, code: e.code }) + '\n')
  process.exitCode = 1
} finally {
  await ds.disconnect()
}
