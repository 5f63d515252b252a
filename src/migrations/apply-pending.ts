import { join } from 'node:path'
import type { DataSource } from '../datasource/datasource.js'
import type { DataSourceMigrationReport } from '../datasource/migrate-all.js'
import { ShipshapeError } from '../errors.js'
import { checkSchemaDrift, type SchemaDrift } from './drift.js'
import { MigrationRunner, type MigrationRunResult } from './runner.js'

export interface ApplyPendingOptions {
  /** Folder of migrations. Default 'migrations'. */
  dir?: string
  /** How long to wait for another process's migration lock, in ms. Default 60 000. */
  lockTimeout?: number
  /** Compare the result with the models afterwards. Default true. */
  checkModels?: boolean
  /** Passed to migrations as `ctx.app` (repositories for data migrations). */
  app?: unknown
}

export interface ApplyPendingResult {
  datasource: string
  run: MigrationRunResult
  /** How the schema differs from the models after the run (absent with `checkModels: false`). */
  drift?: SchemaDrift
}

/**
 * Applies a datasource's pending migration files, then checks the schema against its models;
 * what `app.migrateSchema()` does when the application has a migrations folder.
 * @example
 *   const {run, drift} = await applyPendingMigrations(ds, {dir: 'migrations', lockTimeout: 30_000})
 *   if (drift && !drift.isInSync) console.warn('schema differs from the models', drift.changes.map((c) => c.summary))
 */
export async function applyPendingMigrations(ds: DataSource, options: ApplyPendingOptions = {}): Promise<ApplyPendingResult> {
  const runner = await MigrationRunner.forDataSource(ds, { dir: options.dir, lockTimeout: options.lockTimeout, app: options.app })
  const run = await runner.up()
  const result: ApplyPendingResult = { datasource: ds.name, run }
  if (options.checkModels !== false && ds.modelNames.length) result.drift = await checkSchemaDrift(ds)
  return result
}

/** What `app.migrateSchema()` reports for a datasource migrated by files (the auto-update report, plus the run). */
export type MigrationFilesReport = DataSourceMigrationReport & { migrations?: ApplyPendingResult }

/**
 * `app.migrateSchema()` for an application with a migrations folder: each SQL datasource gets
 * its pending files applied (the folder itself when there is one such datasource, else
 * `<folder>/<datasource name>`), then its schema is compared with its models. Changes the
 * models still want fail the call (generate a migration for them) unless `checkModels` is
 * false; hand-made extras are only reported.
 */
export async function applyApplicationMigrations(
  datasources: DataSource[],
  options: { dir: string; lockTimeout?: number; app?: unknown; checkModels?: boolean; dryRun?: boolean },
): Promise<MigrationFilesReport[]> {
  const sql = datasources.filter((d) => d.supportsMigration)
  const reports: MigrationFilesReport[] = []
  for (const ds of datasources) {
    if (!ds.supportsMigration) {
      reports.push({ datasource: ds.name, skipped: true, reason: `connector "${ds.settings.connector}" does not support migration` })
      continue
    }
    const dir = sql.length === 1 ? options.dir : join(options.dir, ds.name)
    if (options.dryRun) {
      // A dry run names what would run and runs nothing.
      const runner = await MigrationRunner.forDataSource(ds, { dir, lockTimeout: options.lockTimeout })
      const pending = (await runner.status()).filter((e) => e.state === 'pending' || e.state === 'out-of-order' || e.state === 'partial').map((e) => e.name)
      reports.push({
        datasource: ds.name,
        skipped: true,
        reason: pending.length ? `dry run: ${pending.length} pending migration(s): ${pending.join(', ')}` : 'dry run: no pending migrations',
      })
      continue
    }
    const result = await applyPendingMigrations(ds, { dir, lockTimeout: options.lockTimeout, app: options.app, checkModels: options.checkModels })
    if (result.drift?.changes.length)
      throw new ShipshapeError(
        'SCHEMA_DRIFT',
        `Datasource "${ds.name}": after the migrations in ${dir}, the schema still differs from the models:\n` +
          result.drift.changes.map((c) => `  - ${c.summary}`).join('\n') +
          `\nGenerate a migration for them (shipshape migration generate NAME), or pass checkModels: false.`,
      )
    reports.push({
      datasource: ds.name,
      skipped: false,
      result: {
        plan: { dialect: ds.dialect!.name, mode: 'autoupdate', changes: [], drift: result.drift?.drift ?? [] },
        executed: result.run.migrations.length > 0,
        statementCount: 0,
      },
      migrations: result,
    })
  }
  return reports
}
