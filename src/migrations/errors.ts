import { MigrationError, ShipshapeError } from '../errors.js'

/** A migration file failed: names the file, the direction and the statement. Nothing was recorded for it. */
export class MigrationFileError extends MigrationError {
  readonly migration: string
  readonly direction: 'up' | 'down'
  /** Migrations of the same run that completed before this one failed (they stay applied). */
  completed: string[] = []
  constructor(migration: string, direction: 'up' | 'down', message: string, sql: string, options?: { cause?: unknown }) {
    super(message, sql, options)
    this.migration = migration
    this.direction = direction
  }
}

/** Applied migrations whose files changed since: `up` stops until they are repaired. */
export class MigrationChangedError extends ShipshapeError {
  readonly migrations: string[]
  constructor(migrations: string[]) {
    super(
      'MIGRATION_CHANGED',
      `Migration file(s) changed after they were applied: ${migrations.map((m) => `"${m}"`).join(', ')}. ` +
        `An applied migration must not be edited; restore the file, or write a new migration. ` +
        `If the edit is harmless (comments, formatting), accept it with \`shipshape migration repair\`.`,
    )
    this.migrations = migrations
  }
}
