import { describe, expect, it } from 'vitest'
import {
  buildPlan,
  defineModel,
  diffDatabases,
  mysqlDialect,
  normalizeDatabase,
  postgresDialect,
  schemaFromModels,
  sqliteDialect,
  type Database,
  type Dialect,
} from '../../src/index.js'
import type { Case, ModelJson } from '../cases/case.js'
import { columnCases } from '../cases/columns.cases.js'
import { defaultCases } from '../cases/defaults.cases.js'
import { indexCases } from '../cases/indexes.cases.js'
import { nameCases } from '../cases/names.cases.js'
import { tableCases } from '../cases/tables.cases.js'
import { typeCases } from '../cases/types.cases.js'

const dialects = { postgres: postgresDialect, mysql: mysqlDialect, sqlite: sqliteDialect } as const

function schema(models: ModelJson[], dialect: Dialect): Database {
  const defs = models.map((m) => defineModel({ ...m }).definition)
  const defaultSchema = dialect.capabilities.supportsSchemas ? '{schema}' : undefined
  return normalizeDatabase(schemaFromModels(defs, dialect, { defaultSchema }).database, dialect)
}

function offlineSql(c: Case, dialect: Dialect): string[] {
  const current = schema(c.before, dialect)
  const diff = diffDatabases(current, schema(c.after, dialect), { removedColumns: c.options?.removedColumns })
  const plan = buildPlan(diff.changes, dialect, current, 'autoupdate', diff.drift, { online: true })
  return plan.changes.flatMap((p) => p.statements.filter((s) => s.combinedInto === undefined).map((s) => s.sql))
}

const cases = [...columnCases, ...typeCases, ...defaultCases, ...indexCases, ...tableCases, ...nameCases]

/**
 * "Offline output must equal the SQL applied to a live database": every case of test/cases,
 * planned from the models alone (no server), gives the SQL the case pins and test/cases applies.
 */
describe.each(Object.keys(dialects) as (keyof typeof dialects)[])('offline plan on %s', (name) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const offline = offlineSql(c, dialects[name]).map((s) => s.replace(/shipshape_build_[0-9a-f]{12}/g, 'shipshape_build_{id}'))
    expect(offline).toEqual(c.up[name])
  })
})
