// One migrating process for the topology tests (PgBouncer, Galera). Runs on the built package.
// CHILD_CONFIG: datasource config (JSON); CHILD_ROUND: 'create' | 'alter'; CHILD_MODELS: how many;
// CHILD_LEASE: lock lease in ms; CHILD_KILL: SIGKILL itself holding the lock, before its first statement.
import { DataSource } from '../../dist/index.js'
import { chainModels } from './topology-models.mjs'

const config = JSON.parse(process.env.CHILD_CONFIG)
const ds = new DataSource({ ...config, models: chainModels(Number(process.env.CHILD_MODELS ?? 30), process.env.CHILD_ROUND ?? 'create') })
try {
  const r = await ds.autoupdate(undefined, {
    lockTimeout: 180_000,
    lockLease: process.env.CHILD_LEASE ? Number(process.env.CHILD_LEASE) : undefined,
    onStatement: () => {
      if (process.env.CHILD_KILL) process.kill(process.pid, 'SIGKILL')
    },
  })
  process.stdout.write(JSON.stringify({ executed: r.executed, statements: r.statementCount, changes: r.plan.changes.length }) + '\n')
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.message, code: e.code }) + '\n')
  process.exitCode = 1
} finally {
  await ds.disconnect()
}
