import type { Column, ColumnType, Index } from '../../schema/ir.js'
import { renderMysqlType } from './types.js'

/** InnoDB's longest index key with the DYNAMIC row format (https://dev.mysql.com/doc/refman/8.0/en/innodb-limits.html). */
const MAX_KEY_BYTES = 3072
/** Tables are created in utf8mb4: a character takes up to 4 bytes of a key. */
const BYTES_PER_CHAR = 4

/** Bytes a column takes in an index key; undefined when it can't be indexed without a prefix length (TEXT, BLOB, JSON). */
function keyBytes(type: ColumnType): number | undefined {
  switch (type.kind) {
    case 'varchar':
    case 'char':
      return type.length * BYTES_PER_CHAR
    case 'uuid':
      return 36 * BYTES_PER_CHAR
    case 'text':
    case 'json':
    case 'binary':
      return undefined
    case 'native':
      return /text|blob|json|geometry/i.test(type.sql) ? undefined : 0
    default:
      // Numbers, dates and booleans take at most a few bytes each.
      return 8
  }
}

/**
 * Why the server would refuse this index, for the model to say before anything runs; undefined
 * when it fits. A UNIQUE key is left to the server: MariaDB keeps a longer one as a hash.
 */
export function mysqlIndexKeyProblem(index: Index, columns: Column[]): string | undefined {
  if (index.isUnique) return undefined
  const parts = index.columns.map((ic) => {
    const col = columns.find((c) => c.name === ic.name)
    return { name: ic.name, type: col?.type, bytes: col ? keyBytes(col.type) : 0 }
  })
  const unbounded = parts.filter((p) => p.bytes === undefined)
  if (unbounded.length)
    return (
      `${unbounded.map((p) => `column "${p.name}" (${renderMysqlType(p.type!)})`).join(', ')} can't be indexed whole on MySQL/MariaDB. ` +
      `Give the property a length ({length: 255}) so it becomes a VARCHAR, or leave it out of the index.`
    )
  const total = parts.reduce((sum, p) => sum + p.bytes!, 0)
  if (total <= MAX_KEY_BYTES) return undefined
  const listed = parts.map((p) => `${p.name}: ${renderMysqlType(p.type!)}`).join(', ')
  return (
    `its key would take ${total} bytes (${listed}; ${BYTES_PER_CHAR} bytes a character in utf8mb4) and InnoDB keys ` +
    `hold at most ${MAX_KEY_BYTES}. Declare shorter strings on the properties ({length: 255}) or index fewer columns.`
  )
}
