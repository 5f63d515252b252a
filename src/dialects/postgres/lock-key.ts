import { createHash } from 'node:crypto'

// Two-key advisory lock: 'SHIP' / 'SHPE'. Advisory locks are per database.
const KEY1 = 0x53484950
const KEY2 = 0x53485045

/**
 * The advisory-lock key of a migration: per database, or per schema when a scope is given, so
 * tenants of one database (a schema each) migrate side by side instead of queueing behind one lock.
 * The second key is the first four bytes of the schema name's SHA-1, as a signed int4.
 */
export function postgresLockKey(scope?: string): [number, number] {
  if (scope === undefined) return [KEY1, KEY2]
  return [KEY1, createHash('sha1').update(scope).digest().readInt32BE(0)]
}
