import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { DataSourceConfig } from '../datasource/config.js'
import { ShipshapeError } from '../errors.js'
import { hasConnector } from '../datasource/connectors.js'
import type { ShipshapeConfig } from './config.js'

/** Where models are looked for when neither a config nor SHIPSHAPE_MODELS names them. */
export const DEFAULT_MODEL_FOLDERS = ['src/models', 'models']

/** The connector a database URL speaks to, from its scheme (Prisma's `file:` is SQLite). */
export function connectorOfUrl(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return 'postgresql'
    case 'mysql':
    case 'mariadb':
      return 'mysql'
    case 'sqlite':
    case 'file':
      return 'sqlite'
    default:
      // A registered connector's name is its scheme (`libsql://…` for a connector named libsql).
      if (scheme && hasConnector(scheme)) return scheme
      throw new ShipshapeError(
        'INVALID_CONFIG',
        `DATABASE_URL must start with postgres://, mysql://, mariadb://, sqlite: or file:, not "${scheme ?? url.slice(0, 12)}".`,
      )
  }
}

/**
 * A config made of the environment, for a project with no config file: `DATABASE_URL` and the
 * models in `SHIPSHAPE_MODELS` (a folder or glob), else in src/models or models/. Undefined
 * without `DATABASE_URL`.
 */
export function configFromEnv(cwd: string, env: NodeJS.ProcessEnv = process.env): ShipshapeConfig | undefined {
  const url = env.DATABASE_URL
  if (!url) return undefined
  const models = env.SHIPSHAPE_MODELS ?? DEFAULT_MODEL_FOLDERS.find((f) => existsSync(resolve(cwd, f)))
  if (!models)
    throw new ShipshapeError(
      'INVALID_CONFIG',
      `DATABASE_URL is set but no models were found: set SHIPSHAPE_MODELS to their folder or glob ` +
        `(looked in ${DEFAULT_MODEL_FOLDERS.join(', ')}), or run \`shipshape init\` to write a config.`,
    )
  const datasource: DataSourceConfig = { name: 'db', connector: connectorOfUrl(url), url }
  return { datasources: [datasource], models, migrations: env.SHIPSHAPE_MIGRATIONS ?? 'migrations' }
}
