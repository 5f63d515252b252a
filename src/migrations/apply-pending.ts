import type { DataSource } from '../datasource/datasource.js'
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
