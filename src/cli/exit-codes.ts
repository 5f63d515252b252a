import { ShipshapeError } from '../errors.js'

/** Exit codes of the CLI; each means one thing. */
export const EXIT = {
  ok: 0,
  /** A statement failed or something unexpected happened. */
  failure: 1,
  /** Bad command-line usage or config file, or an optional package (driver, tsx) not installed. */
  usage: 2,
  /**
   * The plan holds destructive changes and --allow-data-loss was not given, a destructive command
   * was not confirmed (--yes), or the migration files refuse a run (changed since applied, out of
   * order, partly applied, baselined), or an expand in flight owns a table the command would change.
   */
  refused: 3,
  /** A database could not be reached. */
  connection: 4,
  /** Another process held the migration lock for too long. */
  lockTimeout: 5,
  /** An invalid model definition. */
  invalidModel: 6,
  /** `--check`/status found the database not matching (drift, pending migrations). */
  drift: 7,
} as const

export function exitCodeFor(e: unknown): number {
  if (!(e instanceof ShipshapeError)) return EXIT.failure
  switch (e.code) {
    case 'PLAN_REFUSED':
    case 'MIGRATION_OUT_OF_ORDER':
    case 'MIGRATION_CHANGED':
    case 'MIGRATION_BASELINED':
    case 'MIGRATION_PARTIAL':
    case 'MIGRATION_MISSING':
    case 'CONFIRMATION_REQUIRED':
    case 'CONFIRMATION_DECLINED':
    case 'EXPAND_IN_FLIGHT':
    case 'EXPAND_REQUIRED':
      return EXIT.refused
    case 'CONNECTION_FAILED':
    case 'DATABASE_MISSING':
      return EXIT.connection
    case 'LOCK_TIMEOUT':
      return EXIT.lockTimeout
    case 'INVALID_MODEL':
      return EXIT.invalidModel
    case 'CONFIG_NOT_FOUND':
    case 'INVALID_CONFIG':
    case 'UNKNOWN_MODEL':
    case 'UNKNOWN_CONNECTOR':
    case 'UNKNOWN_MIGRATION':
    case 'MISSING_PACKAGE':
      return EXIT.usage
    default:
      return EXIT.failure
  }
}
