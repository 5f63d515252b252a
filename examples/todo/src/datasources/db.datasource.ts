import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DataSource, type DataSourceConfig } from 'shipshape'

/**
 * The `db` datasource: an SQLite file (`data/todo.db` in the example's folder, or `SQLITE_FILE`),
 * so the example runs with no database server; `DATABASE_URL=postgres://…` switches to PostgreSQL.
 */
export function dbConfig(env: NodeJS.ProcessEnv = process.env): DataSourceConfig {
  const url = env.DATABASE_URL
  if (url && /^postgres(ql)?:\/\//.test(url)) return { name: 'db', connector: 'postgresql', url }
  const file = resolve(env.SQLITE_FILE ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../data/todo.db'))
  mkdirSync(dirname(file), { recursive: true })
  return { name: 'db', connector: 'sqlite', file }
}

export class DbDataSource extends DataSource {
  static dataSourceName = 'db'
  constructor(config: DataSourceConfig = dbConfig()) {
    super(config)
  }
}
