import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { stopTopologies } from './topology.js'

const run = promisify(execFile)

/**
 * Installs and builds examples/todo once, before any test runs. Two test files use it; doing
 * it here keeps them from installing or compiling into one folder at the same time, and
 * `--ignore-scripts` keeps the install from re-running the root package's `prepare` (a build
 * of dist/) while other tests are spawning the CLI from it. `npm test` has built dist/ already.
 */
export default async function setup() {
  // Test processes that start PgBouncer or the Galera cluster (test/support/topology.ts) mark
  // them used by this run; the teardown stops them when no other run still uses them.
  const runPid = String(process.pid)
  process.env.SHIPSHAPE_RUN_PID = runPid
  const example = resolve('examples/todo')
  if (!existsSync(join(example, 'node_modules', 'shipshape')))
    await run('npm', ['install', '--no-save', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: example })
  await run('npm', ['run', 'build'], { cwd: example })
  await setupLoopbackTodo()
  return () => stopTopologies(runPid)
}

/** examples/loopback-todo (the LoopBack port): installed and compiled with its own tsc once too. */
export async function setupLoopbackTodo() {
  const example = resolve('examples/loopback-todo')
  if (!existsSync(join(example, 'node_modules', 'shipshape')))
    await run('npm', ['install', '--no-save', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: example })
  await run('npm', ['run', 'build'], { cwd: example })
}
