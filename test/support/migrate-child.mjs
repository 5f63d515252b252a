// A separate migrating process for concurrency and fault tests. Runs on the built package.
// CHILD_CONFIG: datasource config (JSON); CHILD_VERSION: 'v1' | 'v2' models;
// CHILD_KILL_AT: SIGKILL itself just before sending statement N (0-based).
import { DataSource } from '../../dist/index.js'
import { faultModels } from './fault-models.mjs'

const config = JSON.parse(process.env.CHILD_CONFIG)
const killAt = process.env.CHILD_KILL_AT === undefined ? -1 : Number(process.env.CHILD_KILL_AT)
const ds = new DataSource({ ...config, models: faultModels(process.env.CHILD_VERSION ?? 'v2') })
try {
  const r = await ds.autoupdate(undefined, {
    batchSize: killAt >= 0 ? 1 : undefined,
    lockTimeout: 120_000,
    onStatement: (i) => {
      if (i === killAt) process.kill(process.pid, 'SIGKILL')
    },
  })
  process.stdout.write(JSON.stringify({ executed: r.executed, statements: r.statementCount, changes: r.plan.changes.length }) + '\n')
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.message, code: e.code }) + '\n')
  process.exitCode = 1
} finally {
  await ds.disconnect()
}
