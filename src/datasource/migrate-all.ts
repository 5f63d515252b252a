import { ShipshapeError } from '../errors.js'
import { debug } from '../redact.js'
import type { MigrateOptions, MigrationResult } from '../executor/migrator.js'
import { DataSource } from './datasource.js'


/** LoopBack's `migrateSchema` options, plus Shipshape's safety switches. */
export interface SchemaMigrationOptions extends MigrateOptions {
  /** 'alter' (default) keeps data (auto-update); 'drop' drops and re-creates (auto-migrate). */
  existingSchema?: 'alter' | 'drop'
  /** Only these models (by name); default: every model of each datasource. */
  models?: string[]
}

/** What happened to one datasource. */
export interface DataSourceMigrationReport {
  datasource: string
  /** True when the datasource doesn't support migration (memory) or backs none of the models. */
  skipped: boolean
  reason?: string
  result?: MigrationResult
}

/** Migrates each datasource in turn; those that can't be migrated are skipped, not failed. */
export async function migrateDataSources(
  datasources: DataSource[],
  options: SchemaMigrationOptions = {},
): Promise<DataSourceMigrationReport[]> {
  const reports: DataSourceMigrationReport[] = []
  // A misspelt name would otherwise migrate nothing and report success.
  if (options.models) {
    const known = new Set(datasources.flatMap((ds) => ds.modelNames))
    const unknown = options.models.filter((m) => !known.has(m))
    if (unknown.length)
      throw new ShipshapeError(
        'UNKNOWN_MODEL',
        `Unknown model${unknown.length > 1 ? 's' : ''} ${unknown.map((m) => `"${m}"`).join(', ')}: no datasource backs ${unknown.length > 1 ? 'them' : 'it'}. ` +
          `Known models: ${[...known].sort().join(', ') || '(none)'}.`,
      )
  }
  for (const ds of datasources) {
    if (!ds.supportsMigration) {
      debug('skipping datasource %s: connector %s does not support migration', ds.name, ds.settings.connector)
      reports.push({ datasource: ds.name, skipped: true, reason: `connector "${ds.settings.connector}" does not support migration` })
      continue
    }
    const models = options.models ? ds.modelNames.filter((m) => options.models!.includes(m)) : ds.modelNames
    if (models.length === 0) {
      debug('skipping datasource %s: no models to migrate', ds.name)
      reports.push({ datasource: ds.name, skipped: true, reason: 'no models to migrate' })
      continue
    }
    debug('migrating datasource %s (%s): %s', ds.name, options.existingSchema ?? 'alter', models.join(', '))
    // A dry run against a database not there yet (a SQLite file) plans against an empty stand-in: it creates nothing.
    const standIn = options.dryRun ? ds.connector.standInWhileMissing?.(ds.settings) : undefined
    const target = standIn ? new DataSource(standIn).attach(...models.map((m) => ds.getModel(m)!)) : ds
    try {
      const result =
        options.existingSchema === 'drop'
          ? await (options.dryRun
              ? target.planAutomigrate(models).then((plan) => ({ plan, executed: false, statementCount: 0 }))
              : target.automigrate(models, options))
          : await target.autoupdate(models, options)
      reports.push({ datasource: ds.name, skipped: false, result })
    } finally {
      if (standIn) await target.disconnect()
    }
  }
  return reports
}
