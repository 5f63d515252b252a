import type { Connection } from './connection.js'
import { renderDefaultMatch, type MatchOperator, type MatchSql } from './match.js'
import { driverValues, type ValueCodec } from './value-codec.js'

/**
 * How repositories read and write rows on an engine: placeholders, value conversion, pattern
 * matching and the limits INSERT batches are cut by. A dialect spreads `baseDmlAdapter` and
 * overrides what its engine does differently.
 */
export interface DmlAdapter {
  /** Placeholder style for bound values. */
  readonly placeholder: 'dollar' | 'question'
  /** How values are converted to and from the driver (`driverValues`: as they are). */
  readonly values: ValueCodec
  /** INSERT … RETURNING is available. */
  readonly supportsReturning: boolean
  /**
   * A generated string id is a uuid made by the repository, not the column's default, because the
   * engine family can't say what its default made (MySQL: no RETURNING). Default: false.
   */
  readonly generatesUuidsInClient: boolean
  /** Most bound parameters in one statement. */
  readonly maxParameters: number
  /**
   * Without RETURNING: a multi-row INSERT that leaves the auto-increment id out gets the ids
   * insertId, insertId + step, insertId + 2·step, … (InnoDB's autoinc lock modes 0 and 1).
   * Undefined when the server doesn't promise that; rows are then inserted one per statement to learn each id.
   */
  readonly insertIdStep: number | undefined
  /** Largest statement the server accepts, in bytes (MySQL `max_allowed_packet`); `Infinity`: no limit to batch by. */
  readonly maxStatementBytes: number
  /** What follows the table name in an INSERT of a row that gives no column (`DEFAULT VALUES`). */
  readonly emptyInsertValues: string
  /** SQL of a LIKE-family match (default: `LIKE`, and `LOWER(col) LIKE LOWER(?)` to ignore case). */
  renderMatch(op: MatchOperator, column: string, placeholder: string): MatchSql
  /**
   * `column IN (list)` with the whole list bound as one parameter (`= ANY($1)`, `json_each(?)`), so a
   * list of any length stays under `maxParameters`; undefined when these values are better bound one
   * by one (the default: MySQL's driver inlines them client-side, with no limit).
   */
  renderInList(column: string, values: unknown[], isNegated: boolean, bind: (value: unknown) => string): string | undefined
  /**
   * This adapter with what the server a connection reaches adds (MariaDB ≥ 10.5 has INSERT …
   * RETURNING, MySQL has none), read once per connection. Default: the adapter itself.
   */
  forConnection(conn: Connection): Promise<DmlAdapter>
}

/** The defaults every engine starts from; a dialect overrides what differs. */
export const baseDmlAdapter = {
  values: driverValues,
  generatesUuidsInClient: false,
  insertIdStep: undefined,
  maxStatementBytes: Infinity,
  emptyInsertValues: 'DEFAULT VALUES',
  renderMatch: renderDefaultMatch,
  renderInList: () => undefined,
  async forConnection(this: DmlAdapter) {
    return this
  },
} satisfies Partial<DmlAdapter>
