import { positiveNumber, wholeNumber } from './numbers.js'
import { dirname, relative, resolve } from 'node:path'
import type { Command } from 'commander'
import type { DataSource } from '../datasource/datasource.js'
import { redactUrl, ShipshapeError } from '../errors.js'
import { checkSchemaDrift, isFailingDrift, type SchemaDrift } from '../migrations/drift.js'
import { describeDrops } from '../migrations/down-preview.js'
import { generateMigration } from '../migrations/generate.js'
import { MigrationRunner, type MigrationStatusEntry } from '../migrations/runner.js'
import { loadConfig, type MigratableApp } from './config.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import { formatChange, Printer } from './output.js'
import { writeGeneratedPlanReport } from './plan-report-file.js'
import { confirmLosses } from './confirm.js'
import { errorJson } from './error-json.js'
import { migrationsToRevert, revertLosses } from './losses.js'
import { addMigrationCreateCommand } from './migration-create.js'
import { ensureDatabases } from './create-db.js'

/** Flags every `migration` subcommand takes. */
export interface MigrationFlags {
  config?: string
  dir?: string
  datasource?: string
  lockTimeout?: string
  json?: boolean
  createDb?: boolean
}

/** What a migration command works on: one datasource, its folder, and the app (for `ctx.app`). */
export interface MigrationTarget {
  ds: DataSource
  dir: string
  app?: MigratableApp
  datasources: DataSource[]
}

/** Loads the config and picks the datasource (`--datasource`, else the first that has a SQL dialect). */
export async function loadMigrationTarget(flags: MigrationFlags, cwd = process.cwd()): Promise<MigrationTarget> {
  const loaded = await loadConfig(cwd, flags.config)
  // An application registers its datasources and attaches its models while booting.
  if (loaded.app?.boot) {
    await loaded.app.boot()
    loaded.datasources = loaded.app.dataSources?.() ?? loaded.datasources
  }
  const candidates = loaded.datasources.filter((d) => d.dialect)
  const ds = flags.datasource ? loaded.datasources.find((d) => d.name === flags.datasource) : candidates[0]
  if (!ds)
    throw new ShipshapeError(
      'INVALID_CONFIG',
      flags.datasource
        ? `No datasource "${flags.datasource}" in ${loaded.configFile}. Known: ${loaded.datasources.map((d) => d.name).join(', ')}.`
        : `${loaded.configFile} has no datasource with a SQL database; migrations need one.`,
    )
  const dir = flags.dir
    ? resolve(cwd, flags.dir)
    : resolve(dirname(loaded.configFile), loaded.config.migrations ?? 'migrations')
  return { ds, dir, datasources: loaded.datasources, ...(loaded.app ? { app: loaded.app } : {}) }
}

async function runnerFor(target: MigrationTarget, flags: MigrationFlags, progress?: Printer): Promise<MigrationRunner> {
  return MigrationRunner.forDataSource(target.ds, {
    dir: target.dir,
    // Each migration is printed as it finishes, so a long run shows where it is.
    ...(progress
      ? {
          onMigration: (e: { name: string; direction: 'up' | 'down'; phase: 'start' | 'done'; durationMs?: number }) => {
            if (e.phase === 'done')
              progress.line(`${e.direction === 'up' ? progress.colors.green('↑') : progress.colors.yellow('↓')} ${e.name} ${progress.colors.dim(`(${e.durationMs} ms)`)}`)
          },
        }
      : {}),
    ...(flags.lockTimeout ? { lockTimeout: Number(flags.lockTimeout) } : {}),
    ...(target.app ? { app: target.app } : {}),
  })
}

/** Runs a command body against the configured target, printing errors, closing connections, returning the exit code. */
export async function withMigrationTarget(
  flags: MigrationFlags,
  body: (target: MigrationTarget, printer: Printer) => Promise<number>,
): Promise<number> {
  const printer = new Printer()
  let target: MigrationTarget | undefined
  try {
    target = await loadMigrationTarget(flags)
    if (flags.createDb) await ensureDatabases([target.ds], flags, printer)
    return await body(target, printer)
  } catch (e) {
    const err = e as Error & { code?: string }
    if (flags.json) printer.line(JSON.stringify({ error: errorJson(err) }, null, 2))
    else printer.error(`✖ ${redactUrl(err.message)}`)
    const code = exitCodeFor(e)
    return !target && code === EXIT.failure ? EXIT.usage : code
  } finally {
    await target?.app?.stop?.().catch(() => {})
    for (const ds of target?.datasources ?? []) await ds.disconnect().catch(() => {})
  }
}

const STATE_LABEL: Record<MigrationStatusEntry['state'], string> = {
  applied: 'applied',
  pending: 'pending',
  'out-of-order': 'pending, OUT OF ORDER',
  changed: 'CHANGED since applied',
  missing: 'applied, file MISSING',
  partial: 'PARTIAL',
  reverting: 'REVERTING',
}

function printStatus(p: Printer, target: MigrationTarget, entries: MigrationStatusEntry[], drift: SchemaDrift | undefined) {
  const c = p.colors
  p.line(`${c.bold(target.ds.name)}: ${relative(process.cwd(), target.dir) || '.'}`)
  if (entries.length === 0) p.line(c.dim('  no migrations'))
  for (const e of entries) {
    const paint = e.state === 'applied' ? c.green : e.state === 'pending' ? c.yellow : c.red
    const when = e.applied ? c.dim(` ${e.applied.appliedAt.toISOString()} by ${e.applied.appliedBy} (${e.applied.durationMs} ms)`) : ''
    const how = e.applied?.partial
      ? c.red(` (${e.applied.partial.statements} statement(s) took effect; \`migration up\` resumes after them)`)
      : e.applied?.reverting
        ? c.red(` (${e.applied.reverting.statements} statement(s) of its down took effect; \`migration down\` resumes after them)`)
        : e.applied?.isBaselined
        ? c.dim(' (baselined, never run here)')
        : ''
    p.line(`  ${paint(STATE_LABEL[e.state].padEnd(10))} ${e.name}${when}${how}`)
  }
  if (!drift) return
  if (drift.isInSync) p.line(c.green('✔ The schema matches the models'))
  else {
    p.line(c.yellow(`! The schema differs from the models:`))
    for (const ch of drift.changes) for (const l of formatChange(p, ch, false)) p.line(l)
    for (const d of drift.drift) p.line(`  ${c.dim('!')} ${d.message}`)
  }
}

/** Flags every subcommand takes. */
function common(cmd: Command): Command {
  return cmd
    .option('--dir <folder>', 'migrations folder (default: the config\u2019s "migrations", else migrations/)')
    .option('--datasource <name>', 'datasource to use (default: the first with a SQL database)')
    .option('-c, --config <file>', 'config file (default: shipshape.config.{ts,js,mjs})')
    .option('--json', 'print the result, or the error, as JSON')
    .option('--create-db', 'create the database first when the server does not have it (PostgreSQL, MySQL/MariaDB)')
}

// Progress lines are for people: under --json only the JSON result is printed.
const progressOf = (flags: MigrationFlags, p: Printer) => (flags.json ? undefined : p)
const json = (p: Printer, value: unknown) => p.line(JSON.stringify(value, null, 2))

/** Registers `shipshape migration generate|up|down|status|baseline|repair`. */
export function addMigrationCommands(program: Command) {
  const group = program.command('migration').description('Versioned migrations: files in a folder, applied once per database, in order')
  addMigrationCreateCommand(group)
  addGenerateCommand(group)
  addUpCommand(group)
  addDownCommand(group)
  addStatusCommand(group)
  addBaselineCommand(group)
  addRepairCommand(group)
}

/** `migration generate NAME`: the next file, from the models diffed against the snapshot (or the live database). */
function addGenerateCommand(group: Command) {
  common(group.command('generate <name>').description('Write the next migration: the models diffed against the snapshot of the previous ones'))
    .option('--from-db', 'diff against the live database instead of the snapshot')
    .option('--allow-data-loss', 'write destructive changes (drops, narrowing conversions)')
    .option('--format <format>', 'ts (default), js or sql')
    .option('--report <file>', 'also write the plan as an HTML page (tables, risk, SQL)')
    .action(async (name: string, flags: MigrationFlags & { fromDb?: boolean; allowDataLoss?: boolean; format?: string; report?: string }) => {
      process.exitCode = await withMigrationTarget(flags, async (target, p) => {
        const format = (flags.format ?? 'ts') as 'ts' | 'js' | 'sql'
        if (!['ts', 'js', 'sql'].includes(format)) throw new ShipshapeError('INVALID_CONFIG', `--format must be ts, js or sql, not "${flags.format}".`)
        const result = await generateMigration(target.ds, name, { dir: target.dir, fromDb: !!flags.fromDb, allowDataLoss: !!flags.allowDataLoss, format })
        if (flags.report) await writeGeneratedPlanReport(flags.report, target.ds, result.plan, !!flags.fromDb, p)
        if (flags.json) {
          json(p, { files: result.files.map((f) => ({ name: f.name, path: f.path, irreversible: f.irreversible })), plan: result.plan, ...(result.snapshotFile ? { snapshotFile: result.snapshotFile } : {}) })
          return EXIT.ok
        }
        if (result.files.length === 0) {
          p.line(p.colors.green(`✔ The models match ${flags.fromDb ? 'the database' : 'the migrations'}; no migration written`))
          if (result.snapshotFile) p.line(p.colors.dim(`  snapshot: ${relative(process.cwd(), result.snapshotFile)}`))
          return EXIT.ok
        }
        for (const f of result.files) {
          p.line(`${p.colors.green('+')} ${relative(process.cwd(), f.path)}`)
          for (const ch of f.up.changes) for (const l of formatChange(p, ch, false)) p.line(l)
          if (f.irreversible.length) p.line(p.colors.yellow(`  ! down() throws: ${f.irreversible.join('; ')}`))
        }
        return EXIT.ok
      })
    })
}

/** `migration up`: pending migrations, applied in order. */
function addUpCommand(group: Command) {
  common(group.command('up').description('Apply pending migrations in order'))
    .option('--to <name>', 'stop after this migration')
    .option('--out-of-order', 'also apply pending migrations older than the newest applied one')
    .option('--lock-timeout <ms>', 'how long to wait for another process\u2019s migration lock', wholeNumber)
    .action(async (flags: MigrationFlags & { to?: string; outOfOrder?: boolean }) => {
      process.exitCode = await withMigrationTarget(flags, async (target, p) => {
        const runner = await runnerFor(target, flags, progressOf(flags, p))
        const result = await runner.up({ to: flags.to, allowOutOfOrder: !!flags.outOfOrder })
        if (flags.json) {
          json(p, result)
          return EXIT.ok
        }
        p.line(p.colors.green(result.migrations.length ? `✔ ${result.migrations.length} migration(s) applied in ${result.durationMs} ms` : '✔ No pending migrations'))
        return EXIT.ok
      })
    })
}

/** `migration down`: the last applied migrations reverted, after saying what they lose. */
function addDownCommand(group: Command) {
  common(group.command('down').description('Revert applied migrations, the last applied first (one by default)'))
    .option('--to <name>', 'revert every migration applied after this one')
    .option('--steps <n>', 'how many to revert', positiveNumber)
    .option('--include-baselined', 'also revert baselined migrations (never run here: their down() drops what was there before)')
    .option('--lock-timeout <ms>', 'how long to wait for another process\u2019s migration lock', wholeNumber)
    .option('-y, --yes', 'revert without asking (needed when not on a terminal)')
    .action(async (flags: MigrationFlags & { to?: string; steps?: string; yes?: boolean; includeBaselined?: boolean }) => {
      process.exitCode = await withMigrationTarget(flags, async (target, p) => {
        if (flags.to && flags.steps) throw new ShipshapeError('INVALID_CONFIG', 'Give --to or --steps, not both.')
        const steps = flags.steps !== undefined ? Number(flags.steps) : undefined
        if (steps !== undefined && !(Number.isInteger(steps) && steps > 0))
          throw new ShipshapeError('INVALID_CONFIG', `--steps must be a positive integer, not "${flags.steps}".`)
        const runner = await runnerFor(target, flags, progressOf(flags, p))
        const targets = migrationsToRevert(await runner.status(), { to: flags.to, steps })
        // A baselined target without --include-baselined: the runner refuses it, naming what it would drop.
        const refused = targets.some((e) => e.applied?.isBaselined) && !flags.includeBaselined
        // Reverting loses what was written since: say what, with the rows, and ask.
        if (!flags.yes && !refused) await confirmLosses('migration down', await revertLosses(target.ds, targets), flags, p)
        if (flags.includeBaselined) {
          // Say what a baselined migration's down() will drop before it does.
          const baselined = (await runner.previewDown({ to: flags.to, steps })).filter((x) => x.isBaselined)
          if (baselined.length && !flags.json) p.line(p.colors.yellow(`! Reverting baselined migration(s); this drops:${describeDrops(baselined)}`))
        }
        const result = await runner.down({ to: flags.to, steps, includeBaselined: !!flags.includeBaselined })
        if (flags.json) {
          json(p, result)
          return EXIT.ok
        }
        p.line(p.colors.green(`✔ ${result.migrations.length} migration(s) reverted in ${result.durationMs} ms`))
        return EXIT.ok
      })
    })
}

/** `migration status`: each migration's state and the drift from the models. */
function addStatusCommand(group: Command) {
  common(group.command('status').description('Applied, pending, changed and missing migrations, and drift from the models'))
    .option('--check', `exit ${EXIT.drift} when anything is pending, changed, missing or drifted`)
    .option('--no-drift', 'skip comparing the live schema with the models')
    .action(async (flags: MigrationFlags & { check?: boolean; drift?: boolean }) => {
      process.exitCode = await withMigrationTarget(flags, async (target, p) => {
        const entries = await (await runnerFor(target, flags)).status()
        const drift = flags.drift !== false && target.ds.modelNames.length ? await checkSchemaDrift(target.ds) : undefined
        if (flags.json)
          p.line(
            JSON.stringify(
              {
                datasource: target.ds.name,
                dir: target.dir,
                migrations: entries.map((e) => ({
                  name: e.name,
                  state: e.state,
                  ...(e.applied ? { appliedAt: e.applied.appliedAt.toISOString(), appliedBy: e.applied.appliedBy, durationMs: e.applied.durationMs } : {}),
                  ...(e.applied?.partial ?? e.applied?.reverting ? { statementsDone: (e.applied.partial ?? e.applied.reverting)!.statements } : {}),
                  ...(e.applied?.isBaselined ? { baselined: true } : {}),
                })),
                ...(drift ? { drift: { isInSync: drift.isInSync, changes: drift.changes, unmanaged: drift.drift } } : {}),
              },
              null,
              2,
            ),
          )
        else printStatus(p, target, entries, drift)
        const dirty = entries.some((e) => e.state !== 'applied') || (drift !== undefined && (drift.changes.length > 0 || drift.drift.some(isFailingDrift)))
        return flags.check && dirty ? EXIT.drift : EXIT.ok
      })
    })
}

/** `migration baseline NAME`: records migrations as applied without running them. */
function addBaselineCommand(group: Command) {
  common(group.command('baseline <name>').description('Mark the database as being at this migration, without running any'))
    .option('--lock-timeout <ms>', 'how long to wait for another process\u2019s migration lock', wholeNumber)
    .action(async (name: string, flags: MigrationFlags) => {
      process.exitCode = await withMigrationTarget(flags, async (target, p) => {
        const marked = await (await runnerFor(target, flags)).baseline(name)
        if (flags.json) {
          json(p, { baselined: name, recorded: marked })
          return EXIT.ok
        }
        p.line(p.colors.green(`✔ Baselined at ${name}: ${marked.length} migration(s) recorded as applied, none run`))
        return EXIT.ok
      })
    })
}

/** `migration repair`: accepts changed checksums, and forgets missing or partial records on request. */
function addRepairCommand(group: Command) {
  common(group.command('repair').description('Accept the current checksum of applied migrations whose files changed'))
    .option('--forget-missing', 'also remove the records of applied migrations whose file is gone')
    .option('--forget-partial', 'also remove the records of partly applied migrations (reverted by hand), and make partly reverted ones applied again (restored by hand)')
    .option('--lock-timeout <ms>', 'how long to wait for another process\u2019s migration lock', wholeNumber)
    .action(async (flags: MigrationFlags & { forgetMissing?: boolean; forgetPartial?: boolean }) => {
      process.exitCode = await withMigrationTarget(flags, async (target, p) => {
        const repaired = await (await runnerFor(target, flags)).repair({ forgetMissing: !!flags.forgetMissing, forgetPartial: !!flags.forgetPartial })
        if (flags.json) {
          json(p, { repaired })
          return EXIT.ok
        }
        for (const m of repaired) p.line(`${p.colors.yellow('~')} ${m}`)
        p.line(p.colors.green(repaired.length ? `✔ ${repaired.length} record(s) repaired` : '✔ Nothing to repair'))
        return EXIT.ok
      })
    })
}
