import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ShipshapeError } from '../errors.js'
import { importOptional } from '../optional-packages.js'
import { migrationChecksum } from './checksum.js'
import type { MigrationContext } from './context.js'
import { splitStatements, splitTopLevelLines, standardSqlGrammar, type SqlGrammar } from '../dialects/sql-text.js'

/** Extensions of migration files: modules exporting `up`/`down`, or SQL with `-- up` / `-- down`. */
export const MIGRATION_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.sql'] as const

/** A migration file found on disk. */
export interface MigrationFile {
  /** File name without its extension: the name recorded in the tracking table. */
  name: string
  /** Absolute path. */
  path: string
  kind: 'module' | 'sql'
  /** sha256 of the file's text, line endings normalised. */
  checksum: string
}

/** A migration ready to run: its `up` and, when it has one, its `down`. */
export interface Migration {
  up(ctx: MigrationContext): Promise<void>
  down?(ctx: MigrationContext): Promise<void>
}

/**
 * The migration files of a folder, in order of creation: names start with a timestamp
 * (`20240501093000_add_todo.ts`), compared as numbers, then by the rest of the name.
 * A missing folder holds no migrations. Type declarations and dot-files are ignored.
 * @example
 *   const files = listMigrationFiles('migrations') // [{name: '20240501093000_add_todo', kind: 'module', …}]
 */
export function listMigrationFiles(dir: string): MigrationFile[] {
  const root = resolve(dir)
  if (!existsSync(root)) return []
  const files: MigrationFile[] = []
  const seen = new Map<string, string>()
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.') || /\.d\.[mc]?ts$/.test(entry.name)) continue
    const ext = extname(entry.name)
    if (!(MIGRATION_EXTENSIONS as readonly string[]).includes(ext)) continue
    const name = basename(entry.name, ext)
    const other = seen.get(name)
    if (other)
      throw new ShipshapeError(
        'INVALID_MIGRATION',
        `Two migration files share the name "${name}" in ${root}: ${other} and ${entry.name}. Keep one.`,
      )
    seen.set(name, entry.name)
    const path = join(root, entry.name)
    files.push({ name, path, kind: ext === '.sql' ? 'sql' : 'module', checksum: migrationChecksum(readFileSync(path, 'utf8')) })
  }
  return files.sort((a, b) => compareMigrationNames(a.name, b.name))
}

/** Orders names by their leading timestamp (as a number), then as text. */
export function compareMigrationNames(a: string, b: string): number {
  const pa = /^\d+/.exec(a)?.[0]
  const pb = /^\d+/.exec(b)?.[0]
  if (pa && pb && pa !== pb) {
    const x = BigInt(pa)
    const y = BigInt(pb)
    if (x !== y) return x < y ? -1 : 1
  }
  return a < b ? -1 : a > b ? 1 : 0
}

/** The two halves of a `.sql` migration, each split into statements. */
export interface SqlMigrationText {
  up: string[]
  /** Absent when the file has no `-- down` section. */
  down?: string[]
}

/**
 * Splits a SQL migration at its `-- up` and `-- down` marker lines (a file without markers
 * is all `up`), then into statements as `grammar` reads them: pass the dialect's
 * (`dialect.sqlGrammar`, which knows PostgreSQL's dollar quotes, MySQL's `#` comments…);
 * default: standard SQL's quotes and comments.
 * @example
 *   parseSqlMigration('-- up\nCREATE TABLE t (x int);\n-- down\nDROP TABLE t;')
 *   // {up: ['CREATE TABLE t (x int)'], down: ['DROP TABLE t']}
 */
export function parseSqlMigration(text: string, grammar: SqlGrammar = standardSqlGrammar): SqlMigrationText {
  const lines = splitTopLevelLines(text, grammar)
  const sections: Record<'none' | 'up' | 'down', string[] | undefined> = { none: [], up: undefined, down: undefined }
  let current: 'none' | 'up' | 'down' = 'none'
  for (const line of lines) {
    const m = /^\s*--\s*(?:migrate:)?\s*(up|down)\s*$/i.exec(line)
    if (m) {
      current = m[1]!.toLowerCase() as 'up' | 'down'
      sections[current] ??= []
      continue
    }
    sections[current]!.push(line)
  }
  const upText = sections.up ? sections.up.join('\n') : sections.none!.join('\n')
  return {
    up: splitStatements(upText, grammar),
    ...(sections.down ? { down: splitStatements(sections.down.join('\n'), grammar) } : {}),
  }
}

/** Loads a migration file: imports a module (TypeScript through tsx), or reads a SQL file split as `grammar` reads it. */
export async function loadMigration(file: MigrationFile, grammar: SqlGrammar = standardSqlGrammar): Promise<Migration> {
  if (file.kind === 'sql') {
    const text = parseSqlMigration(readFileSync(file.path, 'utf8'), grammar)
    const run = (statements: string[]) => async (ctx: MigrationContext) => {
      for (const sql of statements) await ctx.exec(sql)
    }
    return { up: run(text.up), ...(text.down ? { down: run(text.down) } : {}) }
  }
  let mod: Record<string, unknown>
  try {
    if (/\.[mc]?ts$/.test(file.path)) {
      const { tsImport } = await importOptional<typeof import('tsx/esm/api')>('tsx', 'tsx/esm/api')
      mod = (await tsImport(pathToFileURL(file.path).href, import.meta.url)) as Record<string, unknown>
    } else mod = (await import(pathToFileURL(file.path).href)) as Record<string, unknown>
  } catch (e) {
    throw new ShipshapeError('INVALID_MIGRATION', `Migration "${file.name}" (${file.path}) could not be loaded: ${(e as Error).message}`, {
      cause: e,
    })
  }
  // A default export holding {up, down} is accepted too (CommonJS-style modules).
  const exports = (typeof mod.up === 'function' ? mod : (mod.default as Record<string, unknown> | undefined)) ?? mod
  if (typeof exports.up !== 'function')
    throw new ShipshapeError(
      'INVALID_MIGRATION',
      `Migration "${file.name}" (${file.path}) exports no up() function. Export async function up(ctx) {…}.`,
    )
  return {
    up: exports.up as Migration['up'],
    ...(typeof exports.down === 'function' ? { down: exports.down as NonNullable<Migration['down']> } : {}),
  }
}
