import type { DataSource } from '../datasource/datasource.js'

/**
 * `DIRECT_DATABASE_URL` (Prisma's convention) becomes the `migrationUrl` of the config's one SQL
 * datasource when its config names none. With several SQL datasources it is ambiguous and left
 * alone: give each its own `migrationUrl` in the config.
 */
export function applyDirectUrl(datasources: DataSource[], env: NodeJS.ProcessEnv = process.env) {
  const url = env.DIRECT_DATABASE_URL
  if (!url) return
  const sql = datasources.filter((d) => d.supportsMigration)
  if (sql.length === 1 && !sql[0]!.settings.migrationUrl) sql[0]!.settings.migrationUrl = url
}
