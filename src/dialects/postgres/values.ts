import type { Column } from '../../schema/ir.js'
import type { MatchOperator, MatchSql, ValueCodec, ValueConverter } from '../dialect.js'

// pg and PGlite already give Date for timestamps and parsed JSON for json/jsonb.
// Left to convert: int8/numeric arrive as strings (or bigint on PGlite) so they don't lose
// precision; LoopBack's `number` is a JS number, so they become numbers. bytea arrives as a
// Uint8Array on PGlite. JSON must be sent as text: pg would send a JS array as a PostgreSQL array.

const toNumber: ValueConverter = (v) => (typeof v === 'string' || typeof v === 'bigint' ? Number(v) : v)
const toBuffer: ValueConverter = (v) => (Buffer.isBuffer(v) ? v : v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v)
const toJsonText: ValueConverter = (v) => JSON.stringify(v)

/** Value conversion between JS and PostgreSQL (server and PGlite) for repositories. */
export const postgresValues: ValueCodec = {
  encoder(column: Column) {
    return column.type.kind === 'json' ? toJsonText : undefined
  },
  decoder(column: Column) {
    switch (column.type.kind) {
      case 'bigint':
      case 'decimal':
        return toNumber
      case 'binary':
        return toBuffer
      default:
        return undefined
    }
  },
}

/** PostgreSQL's LIKE is case-sensitive and ILIKE ignores case (https://www.postgresql.org/docs/current/functions-matching.html). */
export function renderPostgresMatch(op: MatchOperator, column: string, placeholder: string): MatchSql {
  const sql = { like: 'LIKE', nlike: 'NOT LIKE', ilike: 'ILIKE', nilike: 'NOT ILIKE' }[op]
  return { sql: `${column} ${sql} ${placeholder}` }
}
