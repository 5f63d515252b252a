#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { addMigrateCommand } from './migrate.js'
import { addMigrationCommands } from './migration.js'
import { addPullCommand } from './pull.js'
import { EXIT } from './exit-codes.js'
import { addDiagramCommand } from './diagram.js'
import { addFleetCommand } from './fleet.js'
import { addInitCommand } from './init.js'
import { loadDotEnv } from './dotenv.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

const program = new Command('shipshape')
  .description('Keep your databases in step with your models')
  .version(pkg.version)
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage)
  })

addInitCommand(program)
addMigrateCommand(program)
addMigrationCommands(program)
addPullCommand(program)
addDiagramCommand(program)
addFleetCommand(program)

try {
  loadDotEnv()
} catch (e) {
  process.stderr.write(`! .env not loaded: ${(e as Error).message}\n`)
}
await program.parseAsync(process.argv)
