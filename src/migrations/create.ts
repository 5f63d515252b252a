import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { nextTimestamp, slug } from './generate.js'

export interface CreateMigrationOptions {
  /** Folder of migrations (default 'migrations'). */
  dir?: string
  /** A TypeScript module (default), an ES module (`.mjs`), or SQL with `-- up` / `-- down`. */
  format?: 'ts' | 'js' | 'sql'
  now?: Date
}

function blankText(format: 'ts' | 'js' | 'sql'): string {
  if (format === 'sql')
    return [
      '-- Written by `shipshape migration create`: the statements of `-- up`, and under `-- down` those undoing them.',
      '',
      '-- up',
      '',
      '-- down',
      '',
    ].join('\n')
  const ts = format === 'ts'
  const fn = (name: 'up' | 'down', what: string) => [
    ...(ts ? [] : ['/** @param {import(\'shipshape\').MigrationContext} ctx */']),
    `export async function ${name}(${ts ? 'ctx: MigrationContext): Promise<void>' : 'ctx)'} {`,
    `  // ${what}, e.g. await ctx.exec(\`UPDATE "Todo" SET "priority" = 0 WHERE "priority" IS NULL\`)`,
    `  void ctx`,
    '}',
  ]
  return [
    '// Written by `shipshape migration create`: fill in up and, when it can be undone, down.',
    ...(ts ? ["import type { MigrationContext } from 'shipshape'"] : []),
    '',
    ...fn('up', 'the change'),
    '',
    ...fn('down', 'what undoes it'),
    '',
  ].join('\n')
}

/**
 * Writes a blank migration (data fixes, SQL the models can't say), named to sort after every
 * other in the folder; returns its path.
 * @example createMigration('backfill priority', {dir: 'migrations'}) // migrations/20240501093000_backfill_priority.ts
 */
export function createMigration(name: string, options: CreateMigrationOptions = {}): string {
  const dir = resolve(options.dir ?? 'migrations')
  const format = options.format ?? 'ts'
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${nextTimestamp(dir, options.now ?? new Date())}_${slug(name)}.${format === 'js' ? 'mjs' : format}`)
  writeFileSync(path, blankText(format), { flag: 'wx' })
  return path
}
