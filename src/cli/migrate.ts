import { Command } from 'commander'
import { wholeNumber } from './numbers.js'
import type { DataSource } from '../datasource/datasource.js'
import { migrateDataSources, type DataSourceMigrationReport, type SchemaMigrationOptions } from '../datasource/migrate-all.js'
import { PlanRefusedError, redactUrl, ShipshapeError, type Refusal } from '../errors.js'
import { planRefusals } from '../executor/migrator.js'
import { loadConfig, unknownConfigKeys, type MigratableApp } from './config.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import { Printer, printReports, reportsToJson } from './output.js'
import { writePlanReportFile } from './plan-report-file.js'
import { isFailingDrift } from '../migrations/drift.js'
import { expandActionOf, runExpand } from './expand.js'
import { confirmLosses } from './confirm.js'
import { errorJson } from './error-json.js'
import { planLosses } from './losses.js'
import { ensureDatabases } from './create-db.js'
import { startSlowDataSources } from './starting.js'

export interface MigrateFlags {
  rebuild?: boolean
  dryRun?: boolean
  /** A dry run whose exit code says whether anything would change (EXIT.drift). */
  check?: boolean
  models?: string
  allowDataLoss?: boolean
  dropRemovedColumns?: boolean
  json?: boolean
  config?: string
  lockTimeout?: string
  /** Also write the plan as a self-contained HTML page (see src/pictures/plan-report.ts). */
  report?: string
  /** Zero-downtime deploys (src/cli/expand.ts): `--expand [--to v2]`, `--contract`, `--expand-status`, `--abort-expand`. */
  expand?: boolean
  contract?: boolean
  expandStatus?: boolean
  abortExpand?: boolean
  to?: string
  /** Go ahead with destructive changes without asking (see src/cli/confirm.ts). */
  yes?: boolean
  /** Create a missing PostgreSQL/MySQL database first (see src/cli/create-db.ts). */
  createDb?: boolean
  /** Apply the adoption findings of a LoopBack database too (`adopt: 'fix'`). */
  fixAdoption?: boolean
}

/** What `migrate` works on: an application, or bare datasources. */
export type MigrateTarget = { app: MigratableApp; datasources?: DataSource[] } | { app?: undefined; datasources: DataSource[] }

export function migrateOptions(flags: MigrateFlags, printer?: Printer): SchemaMigrationOptions {
  const progress = printer && !flags.json && printer.err.isTTY
  return {
    existingSchema: flags.rebuild ? 'drop' : 'alter',
    dryRun: !!flags.dryRun || !!flags.check,
    allowDataLoss: !!flags.allowDataLoss,
    ...(flags.fixAdoption ? { adopt: 'fix' as const } : {}),
    ...(flags.dropRemovedColumns ? { removedColumns: 'drop' as const } : {}),
    ...(flags.models ? { models: flags.models.split(',').map((m) => m.trim()).filter(Boolean) } : {}),
    ...(flags.lockTimeout ? { lockTimeout: Number(flags.lockTimeout) } : {}),
    ...(progress
      ? {
          onStatement: (i: number, total: number, _s: unknown, change: { summary: string }) =>
            printer.status(`[${i + 1}/${total}] ${change.summary}`.slice(0, printer.err.columns ?? 100)),
        }
      : {}),
  }
}

/** Runs a migration for the CLI: prints the plan and summary (or JSON) and returns the exit code. */
export async function runMigrate(target: MigrateTarget, flags: MigrateFlags, printer = new Printer()): Promise<number> {
  const started = Date.now()
  const options = migrateOptions(flags, printer)
  let reports: DataSourceMigrationReport[] = []
  const migrate = async (o: SchemaMigrationOptions) =>
    target.app ? ((await target.app.migrateSchema(o)) ?? target.app.lastMigrationReports ?? []) : migrateDataSources(target.datasources, o)
  try {
    await target.app?.boot?.()
    const dry = !!flags.dryRun || !!flags.check
    if (!dry || flags.createDb) await ensureDatabases(target.app?.dataSources?.() ?? target.datasources ?? [], flags, printer)
    await startSlowDataSources(target.app?.dataSources?.() ?? target.datasources ?? [], printer)
    // Destructive work is shown, with the rows it takes, and confirmed before it runs.
    if (!dry && (flags.rebuild || flags.allowDataLoss) && !flags.yes) {
      const { onStatement: _progress, ...quiet } = options
      const preview = await migrate({ ...quiet, dryRun: true })
      const datasources = target.app?.dataSources?.() ?? target.datasources ?? []
      await confirmLosses(`migrate ${flags.rebuild ? '--rebuild' : '--allow-data-loss'}`, await planLosses(preview, datasources), flags, printer)
    }
    // Several datasources: every refusal of every one is listed before any is changed (an
    // application's migrateSchema may do more than migrate, so only bare datasources are previewed).
    if (!dry && !flags.rebuild && !target.app && target.datasources.filter((d) => d.supportsMigration).length > 1) {
      const { onStatement: _progress, ...quiet } = options
      const refusals = runRefusals(await migrate({ ...quiet, dryRun: true }), !!flags.allowDataLoss)
      if (refusals.length) throw new PlanRefusedError(refusals)
    }
    reports = await migrate(options)
    if (options.onStatement) printer.err.write('\r\x1b[K')
    refuseNothingMigrated(reports)
    // A dry run shows refused changes instead of throwing; its exit code still says they would be refused.
    const refusals = dry && !flags.rebuild ? runRefusals(reports, !!flags.allowDataLoss) : []
    const refused = refusals.length ? new PlanRefusedError(refusals) : undefined
    if (flags.json) printer.line(JSON.stringify({ ...reportsToJson(reports, dry), ...(refused ? { refused: errorJson(refused) } : {}) }, null, 2))
    else printReports(printer, reports, dry, Date.now() - started)
    if (flags.report) await writePlanReportFile(flags.report, reports, target.app?.dataSources?.() ?? target.datasources ?? [], dry, printer)
    if (refused) {
      if (!flags.json) printer.error(`✖ ${refused.message}`)
      return EXIT.refused
    }
    // The same rule as `migration status --check`: changes to make, or drift the models could declare.
    const pending = reports.some((r) => !!r.result && (r.result.plan.changes.length > 0 || r.result.plan.drift.some(isFailingDrift)))
    return flags.check && pending ? EXIT.drift : EXIT.ok
  } catch (e) {
    if (options.onStatement) printer.err.write('\r\x1b[K')
    const err = e as Error & { code?: string }
    if (flags.json) printer.line(JSON.stringify({ error: errorJson(err) }, null, 2))
    else printer.error(`✖ ${redactUrl(err.message)}`)
    return exitCodeFor(e)
  } finally {
    await target.app?.stop?.().catch(() => {})
    for (const ds of target.datasources ?? target.app?.dataSources?.() ?? []) await ds.disconnect().catch(() => {})
  }
}

/** The refusals of every datasource's plan, each model named with its datasource when there are several. */
function runRefusals(reports: DataSourceMigrationReport[], allowDataLoss: boolean): Refusal[] {
  const planned = reports.filter((r) => r.result)
  return planned.flatMap((r) =>
    planRefusals(r.result!.plan, allowDataLoss).map((x) => (planned.length > 1 ? { ...x, model: `${r.datasource}: ${x.model}` } : x)),
  )
}

/** Every datasource skipped for want of models: a misconfiguration, not "nothing to do". */
function refuseNothingMigrated(reports: DataSourceMigrationReport[]) {
  if (reports.some((r) => !r.skipped)) return
  const noModels = reports.filter((r) => r.reason === 'no models to migrate')
  if (reports.length && !noModels.length) return // only datasources that can't migrate (memory): nothing to do indeed
  throw new ShipshapeError(
    'INVALID_CONFIG',
    reports.length
      ? `No models to migrate: ${noModels.map((r) => `datasource "${r.datasource}"`).join(', ')} back${noModels.length === 1 ? 's' : ''} none. ` +
          `Export \`models: [...]\` from the config (or attach them to the datasources).`
      : `No datasources to migrate. Export {datasources: [...], models: [...]} or {app} from the config.`,
  )
}

/** The flags of `migrate`, with what each does (shared by the CLI and `migrateCli`, so `--help` says the same). */
function withMigrateFlags(cmd: Command): Command {
  return cmd
    .description('Bring every datasource in step with the models: auto-update (default) or, with --rebuild, auto-migrate')
    .option('--rebuild', 'drop the models\u2019 tables and re-create them (auto-migrate; data is lost; asks first)')
    .option('--dry-run', 'print the plan and its SQL; execute nothing')
    .option('--check', 'like --dry-run, and exit 7 when the database does not match the models (for CI)')
    .option('--models <names>', 'only these models (comma separated)')
    .option('--allow-data-loss', 'apply destructive changes (drops, narrowing conversions; asks first)')
    .option('--drop-removed-columns', 'drop columns whose property was removed (otherwise kept and reported)')
    .option('--fix-adoption', 'on a LoopBack database (naming: \'loopback\'), also apply the adoption findings (unique indexes, missing foreign keys)')
    .option('--lock-timeout <ms>', 'how long to wait for another process\u2019s migration lock', wholeNumber)
    .option('--json', 'print the result as JSON')
    .option('--report <file>', 'also write the plan as an HTML page (tables, risk, SQL, diagrams)')
    .option('-y, --yes', 'go ahead with destructive changes without asking (needed when not on a terminal)')
    .option('--create-db', 'create the database first when the server does not have it (PostgreSQL, MySQL/MariaDB)')
    .option('--expand', 'zero-downtime deploy (PostgreSQL): the new shape beside the old, views per version, backfill (see `shipshape expand`)')
    .option('--to <version>', 'with --expand: label of the version being deployed (default v2)')
    .option('--contract', 'end the expand once the old version is gone')
    .option('--expand-status', 'phase and backfill progress of the expand in flight')
    .option('--abort-expand', 'roll the expand back, keeping every write made meanwhile')
}

export function addMigrateCommand(program: Command) {
  withMigrateFlags(program.command('migrate'))
    .option('-c, --config <file>', 'config file (default: shipshape.config.{ts,js,mjs})')
    .action(async (flags: MigrateFlags) => {
      const printer = new Printer()
      const expandAction = expandActionOf(flags)
      if (expandAction) {
        const loaded = await loadConfig(process.cwd(), flags.config).catch((e: Error) => (printer.error(`✖ ${redactUrl(e.message)}`), undefined))
        process.exitCode = loaded ? await runExpand(loaded.datasources, expandAction, flags, printer) : EXIT.usage
        return
      }
      let target: MigrateTarget
      try {
        const loaded = await loadConfig(process.cwd(), flags.config)
        target = loaded.app ? { app: loaded.app, datasources: loaded.datasources } : { datasources: loaded.datasources }
        if (!loaded.app && loaded.datasources.every((ds) => ds.modelNames.length === 0)) {
          const stray = unknownConfigKeys(loaded.config)
          throw new ShipshapeError(
            'INVALID_CONFIG',
            `${loaded.configFile} gives the datasources no models, so there is nothing to migrate. Export \`models: [...]\`.` +
              (stray.length ? ` (It exports ${stray.map((k) => `"${k}"`).join(', ')}, which Shipshape doesn't read: a typo?)` : ''),
          )
        }
      } catch (e) {
        const err = e as Error & { code?: string }
        if (flags.json) printer.line(JSON.stringify({ error: { code: err.code ?? 'ERROR', message: redactUrl(err.message) } }))
        else printer.error(`✖ ${redactUrl(err.message)}`)
        process.exitCode = exitCodeFor(e) === EXIT.failure ? EXIT.usage : exitCodeFor(e)
        return
      }
      process.exitCode = await runMigrate(target, flags)
    })
}

/**
 * For an application's own `src/migrate.ts`: parses the `migrate` flags from argv and runs.
 * @example
 *   // src/migrate.ts
 *   import {migrateCli} from 'shipshape'
 *   import {TodoListApplication} from './application.js'
 *   process.exitCode = await migrateCli({app: new TodoListApplication()})
 *   // npm run migrate             → auto-update
 *   // npm run migrate -- --rebuild → drop and re-create (asks first; --yes where no one can answer)
 */
export async function migrateCli(target: MigrateTarget, argv: string[] = process.argv.slice(2)): Promise<number> {
  const program = withMigrateFlags(new Command('migrate')).exitOverride()
  try {
    program.parse(argv, { from: 'user' })
  } catch (e) {
    // --help and --version print and end here; anything else is a usage error commander has printed.
    return (e as { exitCode?: number }).exitCode === 0 ? EXIT.ok : EXIT.usage
  }
  const flags = program.opts<MigrateFlags>()
  const expandAction = expandActionOf(flags)
  if (expandAction) {
    await target.app?.boot?.()
    return runExpand(target.datasources ?? target.app?.dataSources?.() ?? [], expandAction, flags)
  }
  return runMigrate(target, flags)
}
