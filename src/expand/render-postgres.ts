import { qualifiedName, quotePostgresIdentifier as q, quotePostgresLiteral as lit } from '../dialects/postgres/quote.js'
import { renderPostgresDefault, renderPostgresType } from '../dialects/postgres/types.js'
import type { ExpandPlan, ExpandTable, ReshapedColumn, VersionColumn } from './expand-plan.js'

// PostgreSQL SQL of the expand phases. The two versions are told apart in the trigger by the
// first schema of the writer's search_path that exists (current_schemas; set by the datasource
// option `schemaVersion`), as pgroll does: writes from the new version's schema are "new", every other write is "old".

/** The setting that makes the trigger stand aside while the backfill writes both columns itself. */
export const BACKFILL_SETTING = 'shipshape.expand_backfill'

type Typed = VersionColumn & { type: ExpandTable['oldColumns'][number]['type'] }

function fn(t: ExpandTable, name: string) {
  return qualifiedName({ schema: t.table.schema, name })
}

/** A SQL function whose parameters are one version's columns, by that version's names: `up`/`down` read them. */
function conversionFunction(t: ExpandTable, name: string, params: Typed[], returns: string, body: string): string {
  const args = params.map((c) => `${q(c.name)} ${renderPostgresType(c.type)}`).join(', ')
  return `CREATE OR REPLACE FUNCTION ${fn(t, name)}(${args}) RETURNS ${returns} LANGUAGE sql AS $shipshape$ SELECT (${body})::${returns} $shipshape$`
}

function call(t: ExpandTable, name: string, params: Typed[], row: 'NEW' | 'OLD' | null) {
  return `${fn(t, name)}(${params.map((c) => (row ? `${row}.${q(c.physical)}` : q(c.physical))).join(', ')})`
}

/** The columns a reshaped column fills, with which function, driven by which version's writes. */
interface Fill {
  target: string
  fn: string
  by: 'old' | 'new'
  type: string
  body: string
}

function fills(t: ExpandTable, r: ReshapedColumn): Fill[] {
  const f = (dir: 'up' | 'down', column: string) => t.objects.functions[`${dir}:${column}`]!
  switch (r.kind) {
    case 'convert':
      return [
        { target: r.physical, fn: f('up', r.to.name), by: 'old', type: renderPostgresType(r.to.type), body: r.up },
        { target: r.from.name, fn: f('down', r.to.name), by: 'new', type: renderPostgresType(r.from.type), body: r.down },
      ]
    case 'add':
      return [{ target: r.column.name, fn: f('up', r.column.name), by: 'old', type: renderPostgresType(r.column.type), body: r.up }]
    case 'remove':
      return r.down ? [{ target: r.column.name, fn: f('down', r.column.name), by: 'new', type: renderPostgresType(r.column.type), body: r.down }] : []
    case 'rename':
      return []
  }
}

function allFills(t: ExpandTable, by: 'old' | 'new'): Fill[] {
  return t.columns.flatMap((r) => fills(t, r)).filter((f) => f.by === by)
}

function triggerFunction(plan: ExpandPlan, t: ExpandTable): string {
  const branch = (by: 'old' | 'new') => {
    const params = by === 'old' ? t.oldColumns : t.newColumns
    // An update recomputes only when it changed what the value is made from, so a write by one
    // version never overwrites what the other version wrote into a column it doesn't see.
    return allFills(t, by)
      .map(
        (f) =>
          `    IF TG_OP = 'INSERT' OR ${call(t, f.fn, params, 'NEW')} IS DISTINCT FROM ${call(t, f.fn, params, 'OLD')} THEN\n` +
          `      NEW.${q(f.target)} := ${call(t, f.fn, params, 'NEW')};\n    END IF;\n`,
      )
      .join('')
  }
  return (
    `CREATE OR REPLACE FUNCTION ${fn(t, t.objects.triggerFunction)}() RETURNS trigger LANGUAGE plpgsql AS $shipshape$\nBEGIN\n` +
    `  IF current_setting(${lit(BACKFILL_SETTING)}, true) = 'on' THEN RETURN NEW; END IF;\n` +
    `  IF (current_schemas(false))[1] IS NOT DISTINCT FROM ${lit(plan.newSchema)} THEN\n${branch('new') || '    NULL;\n'}` +
    `  ELSE\n${branch('old') || '    NULL;\n'}  END IF;\n  RETURN NEW;\nEND\n$shipshape$`
  )
}

function view(schema: string, t: ExpandTable, columns: VersionColumn[]): string {
  const cols = columns.map((c) => (c.name === c.physical ? q(c.name) : `${q(c.physical)} AS ${q(c.name)}`)).join(', ')
  return `CREATE VIEW ${qualifiedName({ schema, name: t.table.name })} AS SELECT ${cols} FROM ${qualifiedName(t.table)}`
}

/**
 * Expand: new columns, conversion functions, the trigger and both versions' views, in one
 * transaction. The functions come first: they need no lock on the table, so writers queue behind
 * its ACCESS EXCLUSIVE lock (taken by the first ALTER TABLE) only for the statements that need it.
 */
export function renderExpand(plan: ExpandPlan): string[] {
  const out: string[] = [`CREATE SCHEMA IF NOT EXISTS ${q(plan.oldSchema)}`, `CREATE SCHEMA IF NOT EXISTS ${q(plan.newSchema)}`]
  for (const t of plan.tables) {
    for (const f of [...allFills(t, 'old'), ...allFills(t, 'new')])
      out.push(conversionFunction(t, f.fn, f.by === 'old' ? t.oldColumns : t.newColumns, f.type, f.body))
    out.push(triggerFunction(plan, t))
  }
  for (const t of plan.tables) {
    const table = qualifiedName(t.table)
    for (const r of t.columns) {
      // Added without default or NOT NULL: NULL marks a row the backfill hasn't reached (a
      // constant default would also rewrite nothing, but couldn't tell rows apart).
      if (r.kind === 'convert') out.push(`ALTER TABLE ${table} ADD COLUMN ${q(r.physical)} ${renderPostgresType(r.to.type)}`)
      if (r.kind === 'add') out.push(`ALTER TABLE ${table} ADD COLUMN ${q(r.column.name)} ${renderPostgresType(r.column.type)}`)
      if (r.kind === 'remove' && r.madeNullable) out.push(`ALTER TABLE ${table} ALTER COLUMN ${q(r.column.name)} DROP NOT NULL`)
    }
    out.push(`DROP TRIGGER IF EXISTS ${q(t.objects.trigger)} ON ${table}`)
    out.push(`CREATE TRIGGER ${q(t.objects.trigger)} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn(t, t.objects.triggerFunction)}()`)
    out.push(`DROP VIEW IF EXISTS ${qualifiedName({ schema: plan.oldSchema, name: t.table.name })}`)
    out.push(view(plan.oldSchema, t, t.oldColumns))
    out.push(`DROP VIEW IF EXISTS ${qualifiedName({ schema: plan.newSchema, name: t.table.name })}`)
    out.push(view(plan.newSchema, t, t.newColumns))
    // A view column has no default of its own: give the new version's inserts the new defaults.
    for (const r of t.columns) {
      const col = r.kind === 'convert' ? r.to : r.kind === 'add' ? r.column : undefined
      if (col?.default)
        out.push(
          `ALTER VIEW ${qualifiedName({ schema: plan.newSchema, name: t.table.name })} ALTER COLUMN ${q(col.name)} SET DEFAULT ${renderPostgresDefault(col.default, col.type)}`,
        )
    }
  }
  return out
}

/** The SQL of the backfill: batch bounds, and the update of a key range or of keys left for a later pass. */
export interface BackfillSql {
  /** The largest key now, as text. */
  upperKey: string
  /** Params (lo, limit, upper): the largest key and the count of the next `limit` rows past `lo`. */
  bounds: string
  /** Params (lo, hi, upper): fills the rows with keys in (lo, hi]; returns the keys it skipped (`k`). */
  update: string
  /** Params (keys): fills the rows of these keys (text[]); returns the keys it skipped again (`k`). */
  retry: string
}

/**
 * The backfill walks key ranges. Its update locks only rows no writer holds (SKIP LOCKED) and
 * returns the keys it had to skip: a writer's row lock never waits behind the batch's, nor the
 * batch behind a writer (holding the rows it already changed meanwhile); skipped rows get a later pass.
 */
export function renderBackfillBatch(t: ExpandTable): BackfillSql | undefined {
  const targets = allFills(t, 'old')
  if (!targets.length) return undefined
  const table = qualifiedName(t.table)
  const key = q(t.key)
  const after = `($1::text IS NULL OR ${key} > $1::text::${t.keyType}) AND ${key} <= $3::text::${t.keyType}`
  const empty = `(${targets.map((f) => `${q(f.target)} IS NULL`).join(' OR ')})`
  const sets = targets.map((f) => `${q(f.target)} = CASE WHEN ${q(f.target)} IS NULL THEN ${call(t, f.fn, t.oldColumns, null)} ELSE ${q(f.target)} END`)
  const update = (where: string) =>
    `WITH todo AS (SELECT ${key} AS k FROM ${table} WHERE ${where} AND ${empty}), ` +
    `got AS (SELECT ${key} AS k FROM ${table} WHERE ${where} AND ${empty} FOR UPDATE SKIP LOCKED), ` +
    `done AS (UPDATE ${table} SET ${sets.join(', ')} WHERE ${key} IN (SELECT k FROM got)) ` +
    `SELECT k::text AS k FROM todo WHERE k NOT IN (SELECT k FROM got)`
  return {
    upperKey: `SELECT max(${key})::text AS k FROM ${table}`,
    bounds: `SELECT max(${key})::text AS hi, count(*)::int AS n FROM (SELECT ${key} FROM ${table} WHERE ${after} ORDER BY ${key} LIMIT $2) s`,
    update: update(`${after} AND ${key} <= $2::text::${t.keyType}`),
    retry: update(`${key} = ANY($1::text[]::${t.keyType}[])`),
  }
}

/** Rows the backfill left behind (none, unless something wrote past the trigger): counted before contract. */
export function renderUnfilledCount(t: ExpandTable): string | undefined {
  const targets = allFills(t, 'old')
  if (!targets.length) return undefined
  return `SELECT count(*)::int AS n FROM ${qualifiedName(t.table)} WHERE ${targets
    .map((f) => `(${q(f!.target)} IS NULL AND ${call(t, f!.fn, t.oldColumns, null)} IS NOT NULL)`)
    .join(' OR ')}`
}

/** Constraints proving NOT NULL before contract, validated without blocking writes; contract's SET NOT NULL then skips the scan. */
export function renderNotNullChecks(t: ExpandTable): Array<{ add: string; validate: string; name: string; column: string }> {
  const out: Array<{ add: string; validate: string; name: string; column: string }> = []
  for (const r of t.columns) {
    const col = r.kind === 'convert' ? { physical: r.physical, to: r.to } : r.kind === 'add' ? { physical: r.column.name, to: r.column } : undefined
    if (!col || col.to.isNullable) continue
    const name = `${t.objects.trigger}_nn_${col.to.name}`.slice(0, 63)
    out.push({
      name,
      column: col.physical,
      add: `ALTER TABLE ${qualifiedName(t.table)} ADD CONSTRAINT ${q(name)} CHECK (${q(col.physical)} IS NOT NULL) NOT VALID`,
      validate: `ALTER TABLE ${qualifiedName(t.table)} VALIDATE CONSTRAINT ${q(name)}`,
    })
  }
  return out
}

function dropTriggerAndViews(plan: ExpandPlan, t: ExpandTable): string[] {
  return [
    `DROP VIEW IF EXISTS ${qualifiedName({ schema: plan.oldSchema, name: t.table.name })}`,
    `DROP VIEW IF EXISTS ${qualifiedName({ schema: plan.newSchema, name: t.table.name })}`,
    `DROP TRIGGER IF EXISTS ${q(t.objects.trigger)} ON ${qualifiedName(t.table)}`,
  ]
}

/** The trigger's and conversions' functions: dropped once the trigger is gone, with no lock on the table. */
function dropFunctions(t: ExpandTable): string[] {
  return [
    `DROP FUNCTION IF EXISTS ${fn(t, t.objects.triggerFunction)}()`,
    ...[...allFills(t, 'old'), ...allFills(t, 'new')].map(
      (f) => `DROP FUNCTION IF EXISTS ${fn(t, f.fn)}(${(f.by === 'new' ? t.newColumns : t.oldColumns).map((c) => renderPostgresType(c.type)).join(', ')})`,
    ),
  ]
}

/**
 * Contract: the old version is gone. Drops the trigger, functions and both versions' views (the
 * new version's queries then reach the table itself, which now has its shape), drops the old
 * columns and gives the new ones their names.
 */
export function renderContract(plan: ExpandPlan): string[] {
  const { locked, cleanup } = renderContractSteps(plan)
  return [...locked, ...cleanup]
}

/**
 * Contract in two transactions: `locked`, all that must change at once under the table's lock (the
 * views, the trigger and the columns), and `cleanup`, what needs no lock on the table (the
 * functions; the version schemas are dropped by the caller), kept out of the writers' wait.
 */
export function renderContractSteps(plan: ExpandPlan): { locked: string[]; cleanup: string[] } {
  const out: string[] = []
  for (const t of plan.tables) {
    const table = qualifiedName(t.table)
    out.push(...dropTriggerAndViews(plan, t))
    const checks = renderNotNullChecks(t)
    for (const r of t.columns) {
      switch (r.kind) {
        case 'rename':
          out.push(`ALTER TABLE ${table} RENAME COLUMN ${q(r.from)} TO ${q(r.to)}`)
          break
        case 'convert':
          out.push(`ALTER TABLE ${table} DROP COLUMN ${q(r.from.name)}`)
          out.push(`ALTER TABLE ${table} RENAME COLUMN ${q(r.physical)} TO ${q(r.to.name)}`)
          break
        case 'remove':
          if (r.drop) out.push(`ALTER TABLE ${table} DROP COLUMN ${q(r.column.name)}`)
          break
        case 'add':
          break
      }
      const col = r.kind === 'convert' ? r.to : r.kind === 'add' ? r.column : undefined
      if (col && !col.isNullable) out.push(`ALTER TABLE ${table} ALTER COLUMN ${q(col.name)} SET NOT NULL`)
      if (col?.default) out.push(`ALTER TABLE ${table} ALTER COLUMN ${q(col.name)} SET DEFAULT ${renderPostgresDefault(col.default, col.type)}`)
    }
    for (const c of checks) out.push(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${q(c.name)}`)
  }
  return { locked: out, cleanup: plan.tables.flatMap(dropFunctions) }
}

/**
 * Abort: back to the old version alone. The old columns were kept up to date by the trigger
 * through every write of the new version, so dropping what the expand added loses no write.
 */
export function renderAbort(plan: ExpandPlan): string[] {
  const out: string[] = []
  for (const t of plan.tables) {
    const table = qualifiedName(t.table)
    out.push(...dropTriggerAndViews(plan, t), ...dropFunctions(t))
    for (const c of renderNotNullChecks(t)) out.push(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${q(c.name)}`)
    for (const r of t.columns) {
      if (r.kind === 'convert') out.push(`ALTER TABLE ${table} DROP COLUMN IF EXISTS ${q(r.physical)}`)
      if (r.kind === 'add') out.push(`ALTER TABLE ${table} DROP COLUMN IF EXISTS ${q(r.column.name)}`)
    }
  }
  return out
}

/** Drops a version's view schema when nothing else lives in it. */
export function renderDropSchemaIfEmpty(schema: string): string {
  return (
    `DO $shipshape$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${lit(schema)}) ` +
    `THEN EXECUTE ${lit(`DROP SCHEMA IF EXISTS ${q(schema)}`)}; END IF; END $shipshape$`
  )
}
