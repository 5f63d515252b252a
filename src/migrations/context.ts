import type { Dialect } from '../dialects/dialect.js'

/**
 * What a migration's `up(ctx)` and `down(ctx)` receive.
 * @example
 *   export async function up(ctx: MigrationContext) {
 *     await ctx.exec('ALTER TABLE "Todo" ADD COLUMN "priority" integer')
 *     const rows = await ctx.query<{id: number}>('SELECT "id" FROM "Todo" WHERE "title" = $1', ['x'])
 *   }
 */
export interface MigrationContext {
  /** The migration's name (its file name without extension). */
  readonly name: string
  readonly direction: 'up' | 'down'
  /** The engine's dialect: `capabilities`, `quoteIdentifier`, `quoteLiteral`, `render`. */
  readonly dialect: Dialect
  /** Runs one statement with bound values (placeholders `$1` or `?`, per the dialect) and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>
  /**
   * Runs SQL without values; a script is split into statements. Statements that can't run in
   * a transaction (`CREATE INDEX CONCURRENTLY`) run after the migration's transaction commits,
   * together with every statement that follows them.
   */
  exec(sql: string): Promise<void>
  /** The application, when migrations run from one (`app.migrateSchema()`): its repositories, for data migrations. */
  readonly app?: unknown
}
