import { dirname, relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { ShipshapeError } from '../errors.js'
import { createMigration } from '../migrations/create.js'
import { loadConfig } from './config.js'
import { EXIT } from './exit-codes.js'
import { reportFileCommandFailure } from './file-command-failure.js'
import { Printer } from './output.js'

interface CreateFlags {
  dir?: string
  config?: string
  sql?: boolean
  format?: string
  json?: boolean
}

/** The migrations folder: --dir, else the config's `migrations` beside it, else ./migrations. Connects to nothing. */
async function migrationsDir(flags: CreateFlags, cwd: string): Promise<string> {
  if (flags.dir) return resolve(cwd, flags.dir)
  try {
    const { configFile, config } = await loadConfig(cwd, flags.config)
    return resolve(dirname(configFile), config.migrations ?? 'migrations')
  } catch (e) {
    if ((e as ShipshapeError).code === 'CONFIG_NOT_FOUND' && !flags.config) return resolve(cwd, 'migrations')
    throw e
  }
}

/** Registers `shipshape migration create NAME [--sql]`: a blank migration to fill in by hand. */
export function addMigrationCreateCommand(group: Command) {
  group
    .command('create <name>')
    .description('Write a blank migration to fill in by hand (data fixes, SQL the models can\u2019t say)')
    .option('--sql', 'a .sql file with -- up / -- down sections (same as --format sql)')
    .option('--format <format>', 'ts (default), js or sql')
    .option('--dir <folder>', 'migrations folder (default: the config\u2019s "migrations", else migrations/)')
    .option('--json', 'print the file written as JSON')
    .option('-c, --config <file>', 'config file (default: shipshape.config.{ts,js,mjs})')
    .action(async (name: string, flags: CreateFlags) => {
      const p = new Printer()
      try {
        const format = (flags.sql ? 'sql' : (flags.format ?? 'ts')) as 'ts' | 'js' | 'sql'
        if (!['ts', 'js', 'sql'].includes(format)) throw new ShipshapeError('INVALID_CONFIG', `--format must be ts, js or sql, not "${flags.format}".`)
        const file = createMigration(name, { dir: await migrationsDir(flags, process.cwd()), format })
        if (flags.json) p.line(JSON.stringify({ file }, null, 2))
        else p.line(`${p.colors.green('+')} ${relative(process.cwd(), file)}`)
        process.exitCode = EXIT.ok
      } catch (e) {
        reportFileCommandFailure(p, e, flags.json)
      }
    })
}
