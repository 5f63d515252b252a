import type { Connection } from '../dialects/connection.js'
import { qualifiedName, quotePostgresLiteral as lit } from '../dialects/postgres/quote.js'
import type { BackfillProgress, ExpandPhase, ExpandPlan } from './expand-plan.js'

/** The table recording every expand: its plan, phase and backfill progress (what resume, status, contract and abort read). */
export const EXPAND_TABLE = 'shipshape_expand'

export interface ExpandRecord {
  id: number
  from: string
  to: string
  phase: ExpandPhase
  plan: ExpandPlan
  progress: Record<string, BackfillProgress>
  startedAt: string
  updatedAt: string
}

export function stateTable(schema: string) {
  return qualifiedName({ schema, name: EXPAND_TABLE })
}

export function renderCreateStateTable(schema: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${stateTable(schema)} (id serial PRIMARY KEY, from_version text NOT NULL, ` +
    `to_version text NOT NULL, phase text NOT NULL, plan jsonb NOT NULL, progress jsonb NOT NULL DEFAULT '{}', ` +
    `started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`
  )
}

interface Row {
  id: number
  from_version: string
  to_version: string
  phase: ExpandPhase
  plan: ExpandPlan
  progress: Record<string, BackfillProgress>
  started_at: Date
  updated_at: Date
}

function toRecord(r: Row): ExpandRecord {
  return {
    id: r.id,
    from: r.from_version,
    to: r.to_version,
    phase: r.phase,
    plan: r.plan,
    progress: r.progress,
    startedAt: new Date(r.started_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }
}

/** The latest expand of the schema (in flight or finished), or undefined when there has been none. */
export async function latestExpand(conn: Connection, schema: string): Promise<ExpandRecord | undefined> {
  const exists = await conn.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [stateTable(schema)])
  if (!exists.rows[0]?.t) return undefined
  const r = await conn.query<Row>(`SELECT * FROM ${stateTable(schema)} ORDER BY id DESC LIMIT 1`)
  return r.rows[0] ? toRecord(r.rows[0]) : undefined
}

export function isInFlight(r: ExpandRecord | undefined): boolean {
  return !!r && (r.phase === 'backfilling' || r.phase === 'expanded')
}

/**
 * The record of a new expand, as one statement with its values written in: it goes in the same
 * message as the expand's DDL. `upperKeys` holds, per table, a query for its largest key, read
 * there under the trigger's lock (no write can be in flight), so every later row is the trigger's.
 */
export function renderInsertExpand(plan: ExpandPlan, progress: Record<string, BackfillProgress>, upperKeys: Record<string, string>): string {
  const entries = Object.entries(progress).map(([table, p]) => {
    const json = `${lit(JSON.stringify(p))}::jsonb`
    const upper = upperKeys[table]
    return `${lit(table)}, ${upper ? `${json} || jsonb_strip_nulls(jsonb_build_object('upperKey', (${upper})))` : json}`
  })
  return (
    `INSERT INTO ${stateTable(plan.schema)} (from_version, to_version, phase, plan, progress) VALUES ` +
    `(${lit(plan.from)}, ${lit(plan.to)}, 'backfilling', ${lit(JSON.stringify(plan))}::jsonb, jsonb_build_object(${entries.join(', ')}))`
  )
}

/** Sets the phase of expand `id`; with `from`, only if it is still in that phase (a concurrent abort wins). */
export function renderSetPhase(schema: string, id: number, phase: ExpandPhase, from?: ExpandPhase): string {
  return (
    `UPDATE ${stateTable(schema)} SET phase = ${lit(phase)}, updated_at = now() WHERE id = ${lit(Math.trunc(id))}` +
    (from ? ` AND phase = ${lit(from)}` : '')
  )
}

export async function setPhase(conn: Connection, schema: string, id: number, phase: ExpandPhase, from?: ExpandPhase) {
  await conn.exec(renderSetPhase(schema, id, phase, from))
}

/** The phase expand `id` is in now (another process may have aborted it). */
export async function phaseOf(conn: Connection, schema: string, id: number): Promise<ExpandPhase | undefined> {
  const r = await conn.query<{ phase: ExpandPhase }>(`SELECT phase FROM ${stateTable(schema)} WHERE id = $1`, [id])
  return r.rows[0]?.phase
}

/** Records a table's backfill progress; with `whilePhase`, only while the expand is still in it. The rows updated (0 or 1). */
export async function setProgress(conn: Connection, schema: string, id: number, table: string, progress: BackfillProgress, whilePhase?: ExpandPhase): Promise<number> {
  const r = await conn.query(
    `UPDATE ${stateTable(schema)} SET progress = jsonb_set(progress, ARRAY[$1::text], $2::jsonb), updated_at = now() WHERE id = $3` +
      (whilePhase ? ` AND phase = $4` : ''),
    [table, JSON.stringify(progress), id, ...(whilePhase ? [whilePhase] : [])],
  )
  return r.rowCount
}
