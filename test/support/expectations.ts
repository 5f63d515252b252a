import { postgresExpectations } from '../dialects/postgres/expectations.js'
import { sqliteExpectations } from '../dialects/sqlite/expectations.js'
import { mysqlExpectations } from '../dialects/mysql/expectations.js'

/** Engine-specific facts the shared scenarios compare against; each lives in its dialect's folder. */
export interface DialectExpectations {
  /** Catalog type name (as the catalog reader reports it) of each model type used in scenarios. */
  types: {
    string: string
    varchar100: string
    integerId: string
    number: string
    boolean: string
    date: string
    object: string
  }
  /** How plans and refusals name the type of a string property without a length (`describeType`). */
  describedString: string
  /** Whether the catalog reports the names of foreign keys. */
  reportsForeignKeyNames: boolean
}

export const expectations: Record<string, DialectExpectations> = {
  postgres: postgresExpectations,
  sqlite: sqliteExpectations,
  mysql: mysqlExpectations,
}
