import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { DataSource } from '../datasource/datasource.js'
import type { Dialect } from '../dialects/dialect.js'
import { PlanRefusedError, ShipshapeError } from '../errors.js'
import { applyChanges } from '../schema/apply.js'
import { changeTable, type Change } from '../schema/changes.js'
import { diffDatabases } from '../schema/diff.js'
import type { Database, ForeignKey } from '../schema/ir.js'
import { findTable, tableKey } from '../schema/ir.js'
import { buildPlan, changesByTransaction, destructiveReasons, type Plan, type PlannedChange } from '../schema/plan.js'
import { desiredSchema, dialectOf, liveSchema, tableRefs } from './desired-schema.js'
import { commentText, sqlLiteral, stringLiteral } from './file-text.js'
import { listMigrationFiles } from './files.js'
import { readSnapshot, snapshotPath, snapshotSchema, writeSnapshot } from './snapshot.js'

export interface GenerateOptions {
  /** Folder of migrations. Default 'migrations'. */
  dir?: string
  /** Diff against the live database instead of the folder's snapshot. */
  fromDb?: boolean
  /** Write destructive changes (drops, narrowing conversions); refused otherwise, as auto-update does. */
  allowDataLoss?: boolean
  /** File format: a TypeScript module (default), an ES module (`.mjs`), or SQL with `-- up` / `-- down`. */
  format?: 'ts' | 'js' | 'sql'
  /** Clock for the timestamp prefix (tests). */
  now?: Date
}

/** One file written by `generateMigration`. */
export interface GeneratedFile {
  name: string
  path: string
  up: Plan
  down: Plan
  /** Why `down` can't restore what `up` removes; empty when it can. */
  irreversible: string[]
}

export interface GenerateResult {
  /** Empty when the models already match. Two files when some statements can't share a transaction. */
  files: GeneratedFile[]
  /** The whole plan, as auto-update would show it. */
  plan: Plan
  snapshotFile?: string
}

/**
 * Writes the next migration: the models diffed against the schema the previous migrations
 * produce (the snapshot beside them, or the live database with `fromDb`), planned as
 * auto-update plans, with a generated `down`. Destructive changes are refused unless
 * `allowDataLoss`, and marked in the file for the reviewer.
 * @example
 *   const {files} = await generateMigration(ds, 'add_todo_priority', {dir: 'migrations'})
 *   // migrations/20240501093000_add_todo_priority.ts, and migrations/snapshot.postgres.json updated
 */
export async function generateMigration(ds: DataSource, name: string, options: GenerateOptions = {}): Promise<GenerateResult> {
  const dialect = dialectOf(ds)
  const dir = resolve(options.dir ?? 'migrations')
  const desired = desiredSchema(ds)
  const snapshot = readSnapshot(dir, dialect.name)
  if (!options.fromDb) checkSnapshot(dir, dialect.name, snapshot.migration)
  const current = options.fromDb ? await liveSchema(dialect, await ds.connection(), tableRefs(desired)) : snapshot.schema
  const { changes, drift } = diffDatabases(current, desired, { removedColumns: 'drop' })
  if (!options.fromDb) changes.push(...droppedModels(current, desired))

  const plan = buildPlan(structuredClone(changes), dialect, current, 'autoupdate', drift, { online: true })
  if (!options.allowDataLoss) {
    const reasons = destructiveReasons(plan)
    if (reasons.length) throw new PlanRefusedError(reasons)
  }
  const after = applyChanges(current, plan.changes.map((c) => c.change))
  const result: GenerateResult = { files: [], plan }
  if (plan.changes.length === 0) {
    // Adopting a database: record its state so later generations need no connection.
    if (options.fromDb)
      result.snapshotFile = writeSnapshot(dir, { version: 1, dialect: dialect.name, migration: snapshot.migration, schema: snapshotSchema(after) })
    return result
  }

  const parts = changesByTransaction(plan.changes)
  const base = slug(name)
  let stamp = nextTimestamp(dir, options.now ?? new Date())
  let state = current
  mkdirSync(dir, { recursive: true })
  for (const [i, part] of parts.entries()) {
    const fileName = `${stamp}_${base}${i > 0 ? '_concurrently' : ''}`
    const upPlan: Plan = { ...plan, changes: part, drift: i === 0 ? plan.drift : [] }
    const partAfter = applyChanges(state, part.map((c) => c.change))
    const { down, irreversible } = inversePlan(part, dialect, partAfter)
    const format = options.format ?? 'ts'
    const text = renderMigrationFile(fileName, upPlan, down, irreversible, format, options.fromDb ? 'the live database' : `snapshot.${dialect.name}.json`)
    const path = join(dir, `${fileName}.${format === 'js' ? 'mjs' : format}`)
    writeFileSync(path, text)
    result.files.push({ name: fileName, path, up: upPlan, down, irreversible })
    state = partAfter
    stamp = bump(stamp)
  }
  result.snapshotFile = writeSnapshot(dir, {
    version: 1,
    dialect: dialect.name,
    migration: result.files.at(-1)!.name,
    schema: snapshotSchema(after),
  })
  return result
}

/**
 * The snapshot must describe the folder: a folder with migrations but no snapshot (hand-written
 * files, another dialect's folder), or a snapshot from a migration no longer there, would make
 * the diff wrong.
 */
function checkSnapshot(dir: string, dialect: string, producedBy: string | undefined) {
  const files = listMigrationFiles(dir)
  const fix = `Migrate a database to the newest file, then run \`migration generate NAME --from-db\` against it to rebuild the snapshot.`
  if (!existsSync(snapshotPath(dir, dialect)) && files.length)
    throw new ShipshapeError(
      'INVALID_SNAPSHOT',
      `${dir} holds ${files.length} migration(s) but no snapshot.${dialect}.json, so the schema they produce is unknown. ${fix}`,
    )
  if (producedBy && !files.some((f) => f.name === producedBy))
    throw new ShipshapeError(
      'INVALID_SNAPSHOT',
      `snapshot.${dialect}.json in ${dir} was written with migration "${producedBy}", which is no longer in the folder. ` +
        `Restore the file, or: ${fix}`,
    )
}

/** Tables the migrations made whose model is gone: dropped (destructive, so gated). */
function droppedModels(current: Database, desired: Database): Change[] {
  const kept = new Set<string>()
  for (const t of desired.tables) {
    kept.add(tableKey(t))
    if (t.renamedFrom) kept.add(tableKey({ schema: t.schema, name: t.renamedFrom }))
  }
  return current.tables.filter((t) => !kept.has(tableKey(t))).map((table): Change => ({ kind: 'drop-table', table }))
}

/** The change undoing `c`, or why none can (the data it removes is gone). */
function invertChange(c: Change): Change[] | string {
  switch (c.kind) {
    case 'create-schema':
      // Left in place on the way down: it may hold things the migration didn't make.
      return []
    case 'create-table':
      return [{ kind: 'drop-table', table: c.table }]
    case 'drop-table':
      return `it drops table "${tableKey(c.table)}" and every row in it`
    case 'rename-table':
      return [{ kind: 'rename-table', table: { ...c.table, name: c.from }, from: c.table.name, model: c.model }]
    case 'add-column':
      return [{ kind: 'drop-column', table: c.table, column: c.column, model: c.model }]
    case 'drop-column':
      return `it drops column "${tableKey(c.table)}.${c.column.name}" and its data`
    case 'rename-column':
      return [{ ...c, from: c.to, to: c.from }]
    case 'alter-column':
      return [{ ...c, from: c.to, to: c.from }]
    case 'set-primary-key':
      return [{ ...c, from: c.to, to: c.from }]
    case 'add-index':
      return [{ kind: 'drop-index', table: c.table, index: c.index, model: c.model }]
    case 'drop-index':
      return [{ kind: 'add-index', table: c.table, index: c.index, model: c.model }]
    case 'add-foreign-key':
      return [{ kind: 'drop-foreign-key', table: c.table, foreignKey: c.foreignKey, model: c.model }]
    case 'drop-foreign-key':
      return [{ kind: 'add-foreign-key', table: c.table, foreignKey: c.foreignKey, model: c.model }]
    case 'rebuild-table': {
      const out: Change[] = []
      for (const inner of c.changes) {
        const inv = invertChange(inner)
        if (typeof inv === 'string') return inv
        out.push(...inv)
      }
      return out
    }
    default: {
      const never: never = c
      throw new Error(`unknown change ${JSON.stringify(never)}`)
    }
  }
}

/**
 * The plan undoing `part`, rendered by the dialect from the inverted changes, against the
 * schema `part` leaves.
 */
export function inversePlan(part: PlannedChange[], dialect: Dialect, after: Database): { down: Plan; irreversible: string[] } {
  const inverted: Change[] = []
  const irreversible: string[] = []
  for (const p of part) {
    const inv = invertChange(p.change)
    if (typeof inv === 'string') irreversible.push(inv)
    else inverted.push(...inv)
  }
  // A table the down drops takes its indexes and keys with it.
  const dropped = new Set(inverted.filter((c) => c.kind === 'drop-table').map((c) => tableKey((c as { table: { name: string } }).table)))
  const changes = inverted.filter((c) => c.kind === 'drop-table' || !dropped.has(tableKey(changeRef(c))))
  // Only what exists can be undone; guards against a table missing from `after`.
  const valid = changes.filter((c) => c.kind === 'drop-table' || c.kind === 'rename-table' || findTable(after, changeRef(c)))
  const down = buildPlan(renamedBack(structuredClone(valid)), dialect, after, 'autoupdate', [], { online: false })
  return { down, irreversible }
}

/**
 * A plan renames tables before it changes their columns, keys and indexes, so in a down that
 * renames a table back, the other changes to that table name it by the name it gets back.
 */
function renamedBack(changes: Change[]): Change[] {
  const back = new Map<string, string>()
  for (const c of changes) if (c.kind === 'rename-table') back.set(tableKey({ schema: c.table.schema, name: c.from }), c.table.name)
  if (!back.size) return changes
  const rename = <T extends { schema?: string; name: string }>(t: T): T => {
    const name = back.get(tableKey(t))
    return name === undefined ? t : { ...t, name }
  }
  const renameRefs = (fk: ForeignKey): ForeignKey => {
    const name = back.get(tableKey({ schema: fk.references.schema, name: fk.references.table }))
    return name === undefined ? fk : { ...fk, references: { ...fk.references, table: name } }
  }
  return changes.map((c) => {
    // (Inverted changes hold no rebuild: invertChange flattens one into its changes.)
    if (c.kind === 'rename-table' || c.kind === 'create-schema' || c.kind === 'rebuild-table') return c
    const out = { ...c, table: rename(c.table) } as Change
    if (out.kind === 'add-foreign-key' || out.kind === 'drop-foreign-key') out.foreignKey = renameRefs(out.foreignKey)
    return out
  })
}

function changeRef(c: Change): { schema?: string; name: string } {
  return changeTable(c)
}

export function slug(name: string): string {
  const s = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase()
  return s || 'migration'
}

function timestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
}

/** A prefix after every existing one, so the new file sorts last even when generated within the same second. */
export function nextTimestamp(dir: string, now: Date): string {
  let stamp = timestamp(now)
  for (const f of listMigrationFiles(dir)) {
    const prefix = /^\d{14}/.exec(f.name)?.[0]
    if (prefix && prefix >= stamp) stamp = bump(prefix)
  }
  return stamp
}

function bump(stamp: string): string {
  const d = new Date(
    Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(8, 10), +stamp.slice(10, 12), +stamp.slice(12, 14)),
  )
  return timestamp(new Date(d.getTime() + 1000))
}

const RISK_NOTE: Record<string, string> = {
  destructive: 'DESTRUCTIVE (written with --allow-data-loss): review before applying',
  rewrite: 'rewrites the table',
  scan: 'scans existing rows',
}

function changeComments(c: PlannedChange, mark: string, direction: 'up' | 'down'): string[] {
  const lines = [`${mark} ${commentText(c.summary)}`]
  if (c.risk !== 'safe') {
    const note = direction === 'down' && c.risk === 'destructive' ? 'DESTRUCTIVE: undoes up; data written since is lost' : RISK_NOTE[c.risk]
    lines.push(`${mark}   !! ${note}`)
    for (const r of c.reasons) lines.push(`${mark}   - ${commentText(r)}`)
  }
  if (c.statements.some((s) => s.isNonTransactional)) lines.push(`${mark}   runs outside the transaction (concurrent build; doesn't block writes)`)
  return lines
}

/** The text of a generated migration: `up` from the plan, `down` from its inverse (or a throw). */
export function renderMigrationFile(
  name: string,
  up: Plan,
  down: Plan,
  irreversible: string[],
  format: 'ts' | 'js' | 'sql',
  source: string,
): string {
  const header = [
    `Generated by \`shipshape migration generate\` for ${up.dialect}, from the models against ${source}.`,
    `Review it, edit it if you must, and commit it with snapshot.${up.dialect}.json.`,
    ...(up.changes.some((c) => c.risk === 'destructive') ? ['!! This migration holds DESTRUCTIVE changes, marked below.'] : []),
    ...up.drift.map((d) => `note: ${d.message}`),
  ].map(commentText)
  const irreversibleMessage =
    `Migration "${name}" can't be reverted: ${irreversible.join('; ')}. ` + `Restore from a backup, or write this down() by hand.`
  if (format === 'sql') {
    const section = (plan: Plan, direction: 'up' | 'down') =>
      plan.changes.flatMap((c) => [...changeComments(c, '--', direction), ...sent(c).map((s) => `${s.sql};`), ''])
    const lines = [...header.map((h) => `-- ${h}`), '', '-- up', ...section(up, 'up')]
    if (irreversible.length)
      lines.push(
        `-- No down section: ${commentText(irreversibleMessage)}`,
        ...down.changes.flatMap((c) => sent(c).map((s) => `--   ${commentText(s.sql.replace(/\n\s*/g, ' '))};`)),
      )
    else lines.push('-- down', ...section(down, 'down'))
    return lines.join('\n').trimEnd() + '\n'
  }
  const ts = format === 'ts'
  const sig = ts ? '(ctx: MigrationContext): Promise<void>' : '(ctx)'
  const body = (plan: Plan, direction: 'up' | 'down') =>
    plan.changes.flatMap((c) => [...changeComments(c, '  //', direction), ...sent(c).map((s) => `  await ctx.exec(${sqlLiteral(s.sql)})`)])
  const lines = [...header.map((h) => `// ${h}`)]
  if (ts) lines.push(`import type { MigrationContext } from 'shipshape'`)
  else lines.push(`/** @typedef {import('shipshape').MigrationContext} MigrationContext */`)
  lines.push('', ...(ts ? [] : ['/** @param {MigrationContext} ctx */']), `export async function up${sig} {`, ...body(up, 'up'), '}', '')
  if (irreversible.length) {
    lines.push(...(ts ? [] : ['/** @param {MigrationContext} _ctx */']), `export async function down(${ts ? '_ctx: MigrationContext): Promise<void>' : '_ctx)'} {`)
    lines.push(`  // Irreversible: ${commentText(irreversible.join('; '))}.`)
    if (down.changes.length) {
      lines.push('  // These statements would restore the schema, but not the data:')
      for (const c of down.changes) for (const s of sent(c)) lines.push(`  //   ${commentText(s.sql.replace(/\n\s*/g, ' '))}`)
    }
    lines.push(`  throw new Error(${stringLiteral(irreversibleMessage)})`, '}')
  } else {
    lines.push(...(ts ? [] : ['/** @param {MigrationContext} ctx */']), `export async function down${sig} {`, ...body(down, 'down'), '}')
  }
  return lines.join('\n') + '\n'
}

/**
 * The statements a change sends: those carried by another change's combined statement are left out
 * (MySQL). A file can't fall back, so a statement with `fallbacks` is written as its last one, the
 * form no server refuses (MySQL without ALGORITHM: the server takes the best algorithm it has, as a
 * plan's fallbacks end up doing).
 */
function sent(c: PlannedChange): Array<{ sql: string }> {
  return c.statements.filter((s) => s.combinedInto === undefined).map((s) => ({ sql: s.fallbacks?.at(-1) ?? s.sql }))
}
