import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { DataSource, defineModel, generateMigration, PlanRefusedError, type Database, type Plan } from '../../src/index.js'
import { backends, pglite, type Backend, type TestScope } from '../support/backends.js'
import type { Case, ModelJson, PerDialect, Row } from './case.js'

/**
 * Runs every case on every back end: apply `before`, insert the rows, plan `after` and compare
 * its SQL with the case's, apply it (or expect the refusal), read the result back from the
 * engine's own catalog, check the rows, and expect a second run to find nothing to do.
 */
export function runCases(title: string, cases: Case[]) {
  describe.each(backends)(`${title} on $name`, (backend) => {
    // PGlite starts once per process, under the hook's longer timeout rather than the first case's.
    if (backend.name === 'pglite') beforeAll(async () => void (await pglite()))
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const scope = await backend.create()
      const open: DataSource[] = []
      const ds = (models: ModelJson[]) => {
        const d = new DataSource({ ...scope.config, models: models.map((m) => defineModel({ ...m })) })
        open.push(d)
        return d
      }
      try {
        await runCase(c, backend, scope, ds)
      } finally {
        for (const d of open) await d.disconnect()
        await scope.dispose()
      }
    })
  })
}

async function runCase(c: Case, backend: Backend, scope: TestScope, ds: (models: ModelJson[]) => DataSource) {
  const generic = genericText(scope)
  await ds(c.before).autoupdate()
  for (const [table, rows] of Object.entries(c.rows ?? {})) for (const row of rows) await scope.insert(table, row)

  const after = ds(c.after)
  const plan = await after.planAutoupdate(undefined, c.options)
  if (process.env.CASES_RECORD) await record(c, backend, after, plan, generic)
  expect(planSql(plan).map(generic)).toEqual(forBackend(c.up, backend))
  const down = c.down && (await downSql(after))
  if (down) expect(down.map(generic)).toEqual(forBackend(c.down!, backend))

  if (c.refused) return expectRefused(c, backend, scope, after, generic)
  const result = await after.autoupdate(undefined, c.options)
  expect(result.executed).toBe(c.up[backend.dialect].length > 0)
  const { desired } = await after.describeSchema()
  await expectCatalog(scope, desired, backend, c)
  await expectRows(scope, c.rowsAfter ?? c.rows ?? {}, !c.rowsAfter)
  await expectQuiet(scope, after, c)
  if (down) {
    // Through Shipshape's connection, as the migration runner sends a down file.
    for (const sql of down) await after.execute(sql)
    expect(planSql(await ds(c.before).planAutoupdate())).toEqual([])
  }
}

async function expectRefused(c: Case, backend: Backend, scope: TestScope, after: DataSource, generic: (s: string) => string) {
  const stamp = await scope.schemaStamp()
  const err = await after.autoupdate(undefined, c.options).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(PlanRefusedError)
  const refused = err as PlanRefusedError
  expect(refused.rule).toBe(c.refused!.rule)
  const reasons = c.refused!.reasons
  // Reasons name tables without the scope's schema, so one text serves every dialect.
  expect(refused.reasons.map(unqualified(generic))).toEqual(Array.isArray(reasons) ? reasons : forBackend(reasons, backend))
  expect(await scope.schemaStamp()).toBe(stamp)
  await expectRows(scope, c.rows ?? {}, false)
}

/** Auto-update run again changes nothing: an empty plan, no statement, the catalog untouched. */
async function expectQuiet(scope: TestScope, d: DataSource, c: Case) {
  const stamp = await scope.schemaStamp()
  const again = await d.autoupdate(undefined, c.options)
  expect(planSql(again.plan)).toEqual([])
  expect(again.statementCount).toBe(0)
  expect(await scope.schemaStamp()).toBe(stamp)
}

/** What the engine's catalog says matches what the models ask for (names, keys, nullability, types). */
async function expectCatalog(scope: TestScope, desired: Database, backend: Backend, c: Case) {
  const tables = await scope.catalog.tables()
  for (const want of desired.tables) {
    expect(tables).toContain(want.name)
    if (want.renamedFrom) expect(tables).not.toContain(want.renamedFrom)
    const columns = await scope.catalog.columns(want.name)
    for (const col of want.columns)
      expect(columns.find((x) => x.name === col.name), `${want.name}.${col.name}`).toMatchObject({ nullable: col.isNullable })
    expect(await scope.catalog.primaryKey(want.name)).toEqual(want.primaryKey?.columns ?? [])
    const indexes = want.indexes.map((i) => ({ name: i.name, columns: i.columns.map((x) => x.name), unique: i.isUnique }))
    expect(await scope.catalog.indexes(want.name)).toEqual(sortByName(indexes))
    const keys = want.foreignKeys.map((k) => ({ columns: k.columns, refTable: k.references.table, refColumns: k.references.columns, onDelete: k.onDelete }))
    expect((await scope.catalog.foreignKeys(want.name)).map(({ name: _n, ...k }) => k)).toEqual(keys)
  }
  for (const [table, types] of Object.entries(c.types ? forBackend(c.types, backend) : {})) {
    const columns = await scope.catalog.columns(table)
    for (const [column, type] of Object.entries(types)) expect(columns.find((x) => x.name === column)?.type, `${table}.${column}`).toBe(type)
  }
}

/** Rows read back equal `want`; with `projected`, only the columns `want` names are compared (columns added later are ignored). */
async function expectRows(scope: TestScope, want: Record<string, Row[]>, projected: boolean) {
  for (const [table, rows] of Object.entries(want)) {
    const orderBy = Object.keys(rows[0] ?? { id: 1 })[0]!
    const have = await scope.rows(table, orderBy)
    const seen = have.map((row, i) => comparable(row, rows[i], projected))
    expect(seen, table).toEqual(rows)
  }
}

/** A row as the case writes it: numbers as numbers (pg returns bigint as text), booleans as 0/1. */
function comparable(row: Record<string, unknown>, like: Row | undefined, projected: boolean): Row {
  const out: Row = {}
  for (const key of projected && like ? Object.keys(like) : Object.keys(row)) {
    const v = row[key]
    const want = like?.[key]
    out[key] = typeof v === 'boolean' ? Number(v) : typeof want === 'number' && v !== null && v !== undefined ? Number(v) : (v as Row[string])
  }
  return out
}

/** The statements that are sent: those MySQL folds into a combined ALTER TABLE are shown in a plan but not sent. */
function planSql(plan: Plan): string[] {
  return plan.changes.flatMap((c) => c.statements.filter((s) => s.combinedInto === undefined).map((s) => s.sql))
}

/** The `down` of the versioned migration `migration generate --from-db` would write now. */
async function downSql(after: DataSource): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-case-'))
  try {
    const { files } = await generateMigration(after, 'case', { dir, fromDb: true, format: 'sql', allowDataLoss: true })
    return files.reverse().flatMap((f) => planSql(f.down))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function forBackend<T>(value: PerDialect<T>, backend: Backend): T {
  return backend.name === 'pglite' && value.pglite !== undefined ? value.pglite : value[backend.dialect]
}

/** The scope's own schema or database name (random per test) written as `{schema}`, and other random names made fixed. */
function genericText(scope: TestScope): (text: string) => string {
  const config = scope.config as { schema?: string; url?: string; connector: string }
  const name = config.schema ?? (config.connector === 'mysql' ? new URL(config.url!).pathname.slice(1) : undefined)
  // Online index builds on PostgreSQL go under a random temporary name, then are renamed.
  return (text) => (name ? text.replaceAll(name, '{schema}') : text).replace(/shipshape_build_[0-9a-f]{12}/g, 'shipshape_build_{id}')
}

const unqualified = (generic: (s: string) => string) => (text: string) => generic(text).replaceAll('{schema}.', '')

const sortByName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

/**
 * `CASES_RECORD=file` appends what each case actually produced (up, down, refusal reasons), one
 * JSON line per case and back end, for writing a new case or reviewing a renderer's change.
 */
async function record(c: Case, backend: Backend, after: DataSource, plan: Plan, generic: (s: string) => string) {
  const down = c.down && (await downSql(after)).map(generic)
  const reasons = c.refused && (await after.autoupdate(undefined, c.options).then(() => undefined, (e: PlanRefusedError) => e.reasons?.map(unqualified(generic))))
  appendFileSync(process.env.CASES_RECORD!, JSON.stringify({ case: c.name, backend: backend.name, up: planSql(plan).map(generic), down, reasons }) + '\n')
}
