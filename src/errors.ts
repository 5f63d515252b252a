import { redact, redactError } from './redact.js'

/** Base class of every error Shipshape throws on purpose; `code` is stable for programs. Its message and cause are redacted. */
export class ShipshapeError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(redact(message), options?.cause !== undefined ? { cause: redactError(options.cause) } : options)
    this.name = new.target.name
    this.code = code
  }
}

/** A model definition that cannot become a schema. Thrown before any SQL is sent. */
export class ModelDefinitionError extends ShipshapeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_MODEL', message, options)
  }
}

/** One refused change, for a refusal listing every problem of a run at once. */
export interface Refusal {
  /** The model (or, without one, the table) the change belongs to: refusals are grouped by it. */
  model: string
  rule: 'data-loss' | 'would-fail'
  reason: string
}

function refusalMessage(refusals: Refusal[]): string {
  const rules = new Set(refusals.map((r) => r.rule))
  const groups = new Map<string, Refusal[]>()
  for (const r of refusals) groups.set(r.model, [...(groups.get(r.model) ?? []), r])
  const lines = [
    `Auto-update refused: the plan would ${[rules.has('would-fail') ? 'fail on the rows already there' : '', rules.has('data-loss') ? 'lose data' : ''].filter(Boolean).join(' and ')}.`,
  ]
  for (const [model, items] of groups) {
    lines.push(`  ${model}:`)
    for (const r of items) lines.push(`    - ${rules.size > 1 ? (r.rule === 'would-fail' ? '[would fail] ' : '[data loss] ') : ''}${r.reason}`)
  }
  lines.push(
    'Nothing was changed.' +
      (rules.has('would-fail') ? ' Fix the rows named above first.' : '') +
      (rules.has('data-loss') ? ` Review the plan (dry run), then pass allowDataLoss: true (CLI: --allow-data-loss) to accept the data loss.` : ''),
  )
  return lines.join('\n')
}

/** A plan was refused by a safety rule (data loss, ambiguity). Nothing was executed. */
export class PlanRefusedError extends ShipshapeError {
  readonly reasons: string[]
  /** 'data-loss': allowDataLoss would let it through; 'would-fail': the rows must be fixed first (whatever else is refused too). */
  readonly rule: 'data-loss' | 'would-fail'
  /** The refused plan, when the refusal came from planning (`--json` prints it). */
  plan?: import('./schema/plan.js').Plan
  /** Every refused change of the run, by model, when the refusal lists them all (auto-update). */
  readonly refusals?: Refusal[]
  constructor(reasons: string[] | Refusal[], rule: 'data-loss' | 'would-fail' = 'data-loss') {
    if (reasons.length && typeof reasons[0] === 'object') {
      const refusals = reasons as Refusal[]
      super('PLAN_REFUSED', refusalMessage(refusals))
      this.refusals = refusals
      this.reasons = refusals.map((r) => r.reason)
      this.rule = refusals.some((r) => r.rule === 'would-fail') ? 'would-fail' : 'data-loss'
      return
    }
    reasons = reasons as string[]
    super(
      'PLAN_REFUSED',
      (rule === 'data-loss'
        ? `Auto-update refused: the plan would lose data.\n`
        : `Auto-update refused: the plan would fail on the rows already there.\n`) +
        reasons.map((r) => `  - ${r}`).join('\n') +
        (rule === 'data-loss'
          ? `\nNothing was changed. Review the plan (dry run), then pass allowDataLoss: true ` +
            `(CLI: --allow-data-loss) to apply it anyway.`
          : `\nNothing was changed.`),
    )
    this.reasons = reasons
    this.rule = rule
  }
}

/** The database could not be reached or refused the connection. */
export class ConnectionError extends ShipshapeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONNECTION_FAILED', message, options)
  }
}

/** The server answered, but the database the datasource names is not there. */
export class DatabaseMissingError extends ShipshapeError {
  readonly database: string
  constructor(database: string, where: string, options?: { cause?: unknown }) {
    super(
      'DATABASE_MISSING',
      `Database "${database}" does not exist (${where}). Create it: pass --create-db to the shipshape command ` +
        `(or answer yes on a terminal), or run CREATE DATABASE yourself.`,
      options,
    )
    this.database = database
  }
}

/** A statement failed while a plan was being applied. */
export class MigrationError extends ShipshapeError {
  readonly sql: string
  constructor(message: string, sql: string, options?: { cause?: unknown }) {
    super('MIGRATION_FAILED', message, options)
    this.sql = sql
  }
}

/**
 * A failed statement as every migration error words it: the server's message (with its
 * detail, which PostgreSQL keeps apart: the duplicate key, the failing row), then the SQL.
 * `position` counts the statement within its migration, where there is one.
 */
export function describeStatementFailure(error: unknown, sql: string, position?: number): string {
  const e = error as { message?: string; detail?: string } | undefined
  return (
    `${redactUrl(e?.message ?? String(error))}${e?.detail ? ` (${e.detail})` : ''}` +
    `\n  SQL${position === undefined ? '' : ` (statement ${position})`}: ${sql}`
  )
}

/** `findById` and friends on a missing row. */
export class EntityNotFoundError extends ShipshapeError {
  readonly entityName: string
  readonly entityId: unknown
  constructor(entityName: string, entityId: unknown) {
    super('ENTITY_NOT_FOUND', `Entity not found: ${entityName} with id ${JSON.stringify(entityId)}`)
    this.entityName = entityName
    this.entityId = entityId
  }
}

/** Takes every password out of a text (URLs, query parameters, key=value strings): see redact.ts. */
export function redactUrl(text: string): string {
  return redact(text)
}
