import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ShipshapeError } from '../errors.js'
import type { Database } from '../schema/ir.js'

/**
 * The schema the migrations of a folder produce, kept beside them so that generating the
 * next migration needs no live database. One per dialect family: `snapshot.<dialect>.json`.
 */
export interface MigrationSnapshot {
  version: 1
  dialect: string
  /** The migration that produced this state (the newest generated). */
  migration?: string
  schema: Database
}

export function snapshotPath(dir: string, dialect: string): string {
  return join(resolve(dir), `snapshot.${dialect}.json`)
}

/** Reads the folder's snapshot for the dialect; none yet means an empty schema. */
export function readSnapshot(dir: string, dialect: string): MigrationSnapshot {
  const file = snapshotPath(dir, dialect)
  if (!existsSync(file)) return { version: 1, dialect, schema: { tables: [] } }
  try {
    const snap = JSON.parse(readFileSync(file, 'utf8')) as MigrationSnapshot
    if (snap.version !== 1 || !Array.isArray(snap.schema?.tables)) throw new Error('unknown format')
    return snap
  } catch (e) {
    throw new ShipshapeError(
      'INVALID_SNAPSHOT',
      `${file} is not a Shipshape snapshot (${(e as Error).message}). Restore it from version control, ` +
        `or regenerate it from a database migrated to the latest file with \`migration generate --from-db\`.`,
      { cause: e },
    )
  }
}

export function writeSnapshot(dir: string, snapshot: MigrationSnapshot): string {
  mkdirSync(resolve(dir), { recursive: true })
  const file = snapshotPath(dir, snapshot.dialect)
  writeFileSync(file, JSON.stringify(snapshot, null, 2) + '\n')
  return file
}

/** What a snapshot keeps of a schema: shapes, not the one-off declarations of a rename. */
export function snapshotSchema(db: Database): Database {
  return {
    tables: db.tables.map((t) => {
      const { renamedFrom: _from, renamedColumns: _cols, ...rest } = structuredClone(t)
      return rest
    }),
  }
}
