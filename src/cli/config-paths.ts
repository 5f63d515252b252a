import { dirname, isAbsolute, resolve } from 'node:path'
import type { DataSourceConfig } from '../datasource/config.js'

// Names that are no path: SQLite's in-memory database, PGlite's memory:// and idb:// stores.
const NOT_A_PATH = /^(:memory:|memory:\/\/|idb:\/\/|$)/

function resolvePath(path: string, base: string): string {
  return NOT_A_PATH.test(path) || isAbsolute(path) ? path : resolve(base, path)
}

/**
 * Relative file paths of a datasource (SQLite `file` and `sqlite:`/`file:` URLs, PGlite `dataDir`)
 * resolved against the config file's folder, so the CLI finds the same database from any folder,
 * as Prisma resolves `file:` against its schema. Mutates and returns `settings`.
 */
export function resolveDataSourcePaths<T extends DataSourceConfig>(settings: T, configFile: string): T {
  const base = dirname(configFile)
  if (typeof settings.file === 'string') settings.file = resolvePath(settings.file, base)
  if (typeof settings.dataDir === 'string') settings.dataDir = resolvePath(settings.dataDir, base)
  const url = typeof settings.url === 'string' ? /^(sqlite:(?:\/\/)?|file:)(?!\/\/)(.*)$/.exec(settings.url) : null
  if (url && !isAbsolute(url[2]!) && !NOT_A_PATH.test(url[2]!)) settings.url = `${url[1]}${resolve(base, url[2]!)}`
  return settings
}
