import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { DataSource } from '../datasource/datasource.js'
import type { DataSourceConfig } from '../datasource/config.js'
import type { DataSourceMigrationReport, SchemaMigrationOptions } from '../datasource/migrate-all.js'
import { ShipshapeError } from '../errors.js'
import { isModelClass, type ModelClass } from '../model/entity.js'
import { applyDirectUrl } from './direct-url.js'
import { resolveDataSourcePaths } from './config-paths.js'
import { configFromEnv } from './env-config.js'
import { importFile, loadModelFiles } from './model-files.js'

export const DEFAULT_CONFIG_FILES = ['shipshape.config.ts', 'shipshape.config.mts', 'shipshape.config.js', 'shipshape.config.mjs']

/** An application as the CLI sees it: something that can migrate its datasources. */
export interface MigratableApp {
  boot?(): Promise<void>
  migrateSchema(options?: SchemaMigrationOptions): Promise<DataSourceMigrationReport[] | void>
  /** Reports of the last migrateSchema, for overrides that return nothing (Application keeps them). */
  lastMigrationReports?: DataSourceMigrationReport[]
  stop?(): Promise<void>
  /** The application's datasources, when it exposes them (used to disconnect). */
  dataSources?(): DataSource[]
}

/**
 * What a config file exports (default export or named):
 * `app` (an application, or a factory of one), or `datasources` (DataSource instances or
 * configs) with optional `models` attached to every datasource given as a config.
 */
export interface ShipshapeConfig {
  app?: MigratableApp | (() => MigratableApp | Promise<MigratableApp>)
  datasources?: Array<DataSource | DataSourceConfig>
  /** Model classes, or a folder (or glob) of files exporting them, relative to the config file. */
  models?: ModelClass[] | string
  /** Folder of versioned migrations (default 'migrations'). */
  migrations?: string
}

const CONFIG_KEYS = ['app', 'datasources', 'models', 'migrations', 'default']

/** Keys of a config that Shipshape doesn't read (`model:` for `models:`), for messages. */
export function unknownConfigKeys(config: object): string[] {
  return Object.keys(config).filter((k) => !CONFIG_KEYS.includes(k))
}

/**
 * Types a config file; returns it as it is.
 * @example
 *   // shipshape.config.ts
 *   import {defineConfig} from 'shipshape'
 *   export default defineConfig({
 *     datasources: [{name: 'db', connector: 'postgresql', url: process.env.DATABASE_URL}],
 *     models: './src/models',
 *     migrations: './migrations',
 *   })
 */
export function defineConfig(config: ShipshapeConfig): ShipshapeConfig {
  return config
}

export interface LoadedTarget {
  app?: MigratableApp
  datasources: DataSource[]
  configFile: string
  config: ShipshapeConfig
}

export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit) {
    const p = resolve(cwd, explicit)
    if (!existsSync(p)) throw new ShipshapeError('CONFIG_NOT_FOUND', `Config file ${p} does not exist.`)
    return p
  }
  for (const name of DEFAULT_CONFIG_FILES) {
    const p = resolve(cwd, name)
    if (existsSync(p)) return p
  }
  throw new ShipshapeError(
    'CONFIG_NOT_FOUND',
    `No ${DEFAULT_CONFIG_FILES.join(' / ')} in ${cwd}. Run \`shipshape init\` to write one (exporting {datasources: [...]} or {app}), ` +
      `pass --config FILE, or set DATABASE_URL (models from SHIPSHAPE_MODELS, src/models or models/).`,
  )
}

/** The config file, or without one a config made of DATABASE_URL (see `configFromEnv`). */
async function readConfig(cwd: string, explicit?: string): Promise<{ configFile: string; config: ShipshapeConfig }> {
  let configFile: string
  try {
    configFile = findConfigFile(cwd, explicit)
  } catch (e) {
    const fromEnv = explicit ? undefined : configFromEnv(cwd)
    if (!fromEnv) throw e
    // Paths then resolve against the working directory, as a file there would have them.
    return { configFile: resolve(cwd, 'DATABASE_URL'), config: fromEnv }
  }
  const mod = await importFile(configFile)
  let config = ((mod.default as ShipshapeConfig | undefined) ?? (mod as ShipshapeConfig)) as ShipshapeConfig
  // A .ts config outside an ESM package is compiled as CommonJS: its default export arrives one level down.
  const inner = (config as { default?: ShipshapeConfig }).default
  if (inner && typeof inner === 'object' && !config.app && !config.datasources) config = inner
  return { configFile, config }
}

export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedTarget> {
  const { configFile, config } = await readConfig(cwd, explicit)
  if (config.app) {
    const app = typeof config.app === 'function' ? await (config.app as () => MigratableApp | Promise<MigratableApp>)() : config.app
    if (typeof app?.migrateSchema !== 'function')
      throw new ShipshapeError('INVALID_CONFIG', `${configFile}: "app" has no migrateSchema() method.`)
    const datasources = app.dataSources?.() ?? []
    applyDirectUrl(datasources)
    return { app, datasources, configFile, config }
  }
  const list = config.datasources ?? []
  if (!Array.isArray(list) || list.length === 0)
    throw new ShipshapeError('INVALID_CONFIG', `${configFile} exports no datasources. Export {datasources: [...]} or {app}.`)
  const models =
    typeof config.models === 'string' ? await loadModelFiles(config.models, dirname(configFile)) : (config.models ?? []).filter(isModelClass)
  const datasources = list.map((d) => {
    // Duck-typed: the config may load another copy of the package.
    if (d instanceof DataSource || typeof (d as unknown as DataSource).autoupdate === "function") {
      resolveDataSourcePaths((d as unknown as DataSource).settings, configFile)
      return d as unknown as DataSource
    }
    const ds = new DataSource(resolveDataSourcePaths({ ...(d as DataSourceConfig) }, configFile))
    if (!(d as DataSourceConfig).models) ds.attach(...models)
    return ds
  })
  applyDirectUrl(datasources)
  return { datasources, configFile, config }
}
