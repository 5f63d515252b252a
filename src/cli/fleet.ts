import { positiveNumber, wholeNumber } from './numbers.js'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { glob } from 'tinyglobby'
import type { DataSource } from '../datasource/datasource.js'
import { redactUrl, ShipshapeError } from '../errors.js'
import { migrateFleet, type FleetOptions } from '../fleet/migrate-fleet.js'
import type { FleetReport, FleetTargetReport } from '../fleet/report.js'
import { parseTargets, type FleetTarget } from '../fleet/targets.js'
import { loadConfig } from './config.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import { Printer } from './output.js'
import { confirmLosses } from './confirm.js'
import { errorJson } from './error-json.js'

export interface FleetFlags {
  targets?: string
  schemas?: string
  files?: string
  concurrency?: string
  canary?: string
  dryRun?: boolean
  json?: boolean
  allowDataLoss?: boolean
  rebuild?: boolean
  yes?: boolean
  migrations?: string | boolean
  lockTimeout?: string
  config?: string
}

/** `*` and `?` wildcards over a whole name. */
function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

/** Every schema of a PostgreSQL datasource's database whose name matches the pattern. */
async function schemaTargets(ds: DataSource, pattern: string): Promise<FleetTarget[]> {
  if (!ds.dialect?.capabilities.supportsSchemas || !ds.dialect.capabilities.supportsSchemaFingerprints || !ds.settings.url)
    throw new ShipshapeError('INVALID_CONFIG', `--schemas needs a PostgreSQL datasource with a url; "${ds.name}" is ${ds.settings.connector}.`)
  const rows = await ds.execute<{ n: string }>(
    `SELECT nspname AS n FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`,
  )
  const re = wildcard(pattern)
  return rows.filter((r) => re.test(r.n)).map((r) => ({ name: r.n, connector: String(ds.settings.connector), url: ds.settings.url!, schema: r.n }))
}

function shortReport(r: FleetTargetReport) {
  return {
    target: r.name,
    status: r.status,
    ok: r.ok,
    changes: r.changes,
    statements: r.statements,
    durationMs: r.durationMs,
    ...(r.isFingerprintMatch ? { fingerprint: true } : {}),
    ...(r.error ? { error: r.error } : {}),
  }
}

/** Runs `fleet migrate` (or, with `status`, a dry run that classifies tenants) and returns the exit code. */
export async function runFleet(command: 'migrate' | 'status', flags: FleetFlags, printer = new Printer(), cwd = process.cwd()): Promise<number> {
  const json = !!flags.json
  const fail = (e: unknown) => {
    const err = e as Error & { code?: string }
    if (json) printer.line(JSON.stringify({ error: errorJson(err) }))
    else printer.error(`✖ ${redactUrl(err.message)}`)
  }
  let options: FleetOptions
  let disconnect: () => Promise<void> = async () => {}
  try {
    const loaded = await loadConfig(cwd, flags.config)
    if (loaded.app?.boot) await loaded.app.boot()
    const datasources = loaded.app?.dataSources?.() ?? loaded.datasources
    disconnect = async () => {
      for (const ds of datasources) await ds.disconnect().catch(() => {})
    }
    const targets = await fleetTargets(flags, datasources, cwd, loaded.configFile)
    options = fleetOptions(command, flags, datasources, targets, cwd, loaded)
    if (options.concurrency !== undefined && !(options.concurrency >= 1)) throw new ShipshapeError('INVALID_CONFIG', `--concurrency must be a number ≥ 1.`)
    if (flags.rebuild && !options.dryRun)
      await confirmLosses('fleet migrate --rebuild', [{ datasource: 'fleet', what: `drop and re-create the models\u2019 tables in ${targets.length} tenant(s)` }], flags, printer)
  } catch (e) {
    fail(e)
    await disconnect()
    return exitCodeFor(e) === EXIT.failure ? EXIT.usage : exitCodeFor(e)
  }

  // SIGINT: tenants in flight finish, no new one starts; a second one exits at once.
  const abort = new AbortController()
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130)
    abort.abort()
  }
  process.on('SIGINT', onSigint)
  const { bar, onProgress } = progressOf(command, json, printer)
  let report: FleetReport
  try {
    report = await migrateFleet({ ...options, signal: abort.signal, onProgress })
  } catch (e) {
    bar?.stop()
    fail(e)
    return exitCodeFor(e)
  } finally {
    process.off('SIGINT', onSigint)
    await disconnect()
  }
  bar?.stop()
  return command === 'status' ? printStatus(printer, report, json) : printSummary(printer, report, json, !!options.dryRun)
}

/** The fleet run the flags ask for: every migratable datasource's models, over `targets`. */
function fleetOptions(
  command: 'migrate' | 'status',
  flags: FleetFlags,
  datasources: DataSource[],
  targets: FleetTarget[],
  cwd: string,
  loaded: { configFile: string; config: { migrations?: string } },
): FleetOptions {
  const models = new Map<string, DataSource>()
  for (const ds of datasources) if (ds.supportsMigration) for (const n of ds.modelNames) models.set(n, ds)
  const migrations = flags.migrations
  return {
    models: [...models.entries()].map(([n, ds]) => ds.getModel(n)!),
    targets,
    ...(flags.concurrency ? { concurrency: Number(flags.concurrency) } : {}),
    ...(flags.canary ? { canary: Number(flags.canary) } : {}),
    dryRun: command === 'status' || !!flags.dryRun,
    allowDataLoss: !!flags.allowDataLoss,
    existingSchema: flags.rebuild ? 'drop' : 'alter',
    ...(migrations
      ? { mode: 'migrations' as const, migrationsDir: typeof migrations === 'string' ? resolve(cwd, migrations) : resolve(dirname(loaded.configFile), loaded.config.migrations ?? 'migrations') }
      : {}),
    ...(flags.lockTimeout ? { lockTimeout: Number(flags.lockTimeout) } : {}),
  }
}

/** The tenants named by --targets, --schemas and --files. */
async function fleetTargets(flags: FleetFlags, datasources: DataSource[], cwd: string, configFile: string): Promise<FleetTarget[]> {
  const targets: FleetTarget[] = []
  if (flags.targets) targets.push(...parseTargets(readFileSync(resolve(cwd, flags.targets), 'utf8'), flags.targets))
  if (flags.schemas) {
    const ds = datasources.find((d) => d.dialect?.capabilities.supportsSchemaFingerprints)
    if (!ds) throw new ShipshapeError('INVALID_CONFIG', `--schemas needs a PostgreSQL datasource in ${configFile}.`)
    targets.push(...(await schemaTargets(ds, flags.schemas)))
  }
  if (flags.files) for (const file of (await glob(flags.files, { cwd, absolute: true })).sort()) targets.push({ connector: 'sqlite', file, name: file })
  if (!flags.targets && !flags.schemas && !flags.files)
    throw new ShipshapeError('INVALID_CONFIG', 'Name the tenants: --targets FILE, --schemas PATTERN or --files GLOB.')
  return targets
}

/** Progress as a bar on a terminal; otherwise (migrate) one JSON line per finished tenant. */
function progressOf(command: 'migrate' | 'status', json: boolean, printer: Printer) {
  const bar =
    !json && printer.err.isTTY
      ? new cliProgress.SingleBar(
          { format: 'fleet |{bar}| {value}/{total} tenants | {failed} failed | {rate}/s | ETA {eta_formatted}', stream: printer.err, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined
  const lines = json ? printer.out : printer.err
  let started = 0
  const t0 = Date.now()
  const onProgress: FleetOptions['onProgress'] = (e) => {
    if (bar) {
      if (!started++) bar.start(e.total, 0, { failed: 0, rate: '0' })
      if (e.type === 'done') bar.update(e.done, { failed: e.failed, rate: (e.done / Math.max(0.001, (Date.now() - t0) / 1000)).toFixed(0) })
    } else if (e.type === 'done' && e.report && command === 'migrate') lines.write(JSON.stringify(shortReport(e.report)) + '\n')
  }
  return { bar, onProgress }
}

function printSummary(p: Printer, report: FleetReport, json: boolean, dryRun: boolean): number {
  const failures = report.targets.filter((t) => !t.ok)
  const t = report.totals
  if (json) p.line(JSON.stringify({ summary: true, dryRun, totals: t, groups: report.groups, failed: failures.map(shortReport), ...(report.canaryFailed ? { canaryFailed: true } : {}), ...(report.interrupted ? { interrupted: true } : {}) }))
  else {
    const c = p.colors
    for (const g of report.groups) {
      p.line(`${c.bold(`${g.count} tenant(s)`)}: ${g.summaries.length} change(s) ${dryRun ? 'planned' : 'applied'}`)
      for (const s of g.summaries.slice(0, 10)) p.line(`  ${s}`)
      if (g.summaries.length > 10) p.line(c.dim(`  … ${g.summaries.length - 10} more`))
    }
    for (const f of failures) p.line(c.red(`✖ ${f.name}: ${f.error?.message ?? f.status}`))
    const line =
      `${t.targets} tenant(s) in ${t.durationMs} ms: ${t.applied} ${dryRun ? 'pending' : 'migrated'}, ${t.actual} already actual` +
      `${t.fingerprintMatches ? ` (${t.fingerprintMatches} by fingerprint)` : ''}, ${t.failed} failed${t.notRun ? `, ${t.notRun} not run` : ''}` +
      `${report.canaryFailed ? ' — stopped: a canary tenant failed' : ''}${report.interrupted ? ' — interrupted; rerun to finish' : ''}`
    p.line(failures.length ? c.red(`✖ ${line}`) : c.green(`✔ ${line}`))
  }
  return failures.length ? EXIT.failure : EXIT.ok
}

/** `fleet status`: actual, pending (changes to make), drifted (objects the models don't declare), failing. */
function printStatus(p: Printer, report: FleetReport, json: boolean): number {
  const stateOf = (r: FleetTargetReport) => (!r.ok ? 'failing' : r.changes > 0 ? 'pending' : r.drift.length ? 'drifted' : 'actual')
  const states = report.targets.map((r) => ({ target: r.name, state: stateOf(r), ...(r.changes ? { changes: r.summaries } : {}), ...(r.drift.length ? { drift: r.drift } : {}), ...(r.error ? { error: r.error } : {}) }))
  const count = (s: string) => states.filter((x) => x.state === s).length
  const totals = { targets: states.length, actual: count('actual'), pending: count('pending'), drifted: count('drifted'), failing: count('failing') }
  if (json) {
    for (const s of states) p.line(JSON.stringify(s))
    p.line(JSON.stringify({ summary: true, totals }))
  } else {
    const c = p.colors
    for (const s of states)
      if (s.state !== 'actual')
        p.line(`${s.state === 'failing' ? c.red(s.state) : c.yellow(s.state)} ${s.target}${s.error ? `: ${s.error.message}` : s.changes ? `: ${s.changes.join('; ')}` : s.drift ? `: ${s.drift.join('; ')}` : ''}`)
    p.line(`${totals.targets} tenant(s): ${totals.actual} actual, ${totals.pending} pending, ${totals.drifted} drifted, ${totals.failing} failing`)
  }
  return totals.failing ? EXIT.failure : totals.pending ? EXIT.drift : EXIT.ok
}

export function addFleetCommand(program: Command) {
  const fleet = program.command('fleet').description('Migrate many tenant databases (schemas, databases, SQLite files) to the same models')
  const common = (cmd: Command) =>
    cmd
      .option('--targets <file>', 'tenants: a JSON array of {name, connector, url | file, schema} or URLs, or one URL a line')
      .option('--schemas <pattern>', 'every schema of the configured PostgreSQL database matching the pattern (* and ?)')
      .option('--files <glob>', 'SQLite files')
      .option('--concurrency <n>', 'tenants migrated at once (default 8)', positiveNumber)
      .option('--migrations [dir]', 'apply pending migration files per tenant instead of auto-update')
      .option('--lock-timeout <ms>', 'how long to wait for another process\u2019s lock on a tenant', wholeNumber)
      .option('--json', 'JSON lines: one per tenant, then a summary')
      .option('-c, --config <file>', 'config file (default: shipshape.config.{ts,js,mjs})')
  common(fleet.command('migrate').description('Bring every tenant in step with the models; exit 0 only when every tenant succeeded'))
    .option('--canary <n>', 'migrate this many tenants first; stop if any fails', positiveNumber)
    .option('--dry-run', 'plan only, grouping tenants with the same plan')
    .option('--allow-data-loss', 'apply destructive changes')
    .option('--rebuild', 'drop and re-create the models\u2019 tables (data is lost)')
    .option('-y, --yes', 'rebuild without asking (needed when not on a terminal)')
    .action(async (flags: FleetFlags) => {
      process.exitCode = await runFleet('migrate', flags)
    })
  common(fleet.command('status').description('Which tenants are actual, pending, drifted or failing (exit 7 when any is pending)')).action(
    async (flags: FleetFlags) => {
      process.exitCode = await runFleet('status', flags)
    },
  )
}
