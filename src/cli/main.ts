#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { redact } from '../redact.js'
import { addMigrateCommand } from './migrate.js'
import { addMigrationCommands } from './migration.js'
import { addPullCommand } from './pull.js'
import { EXIT } from './exit-codes.js'
import { addDiagramCommand } from './diagram.js'
import { addFleetCommand } from './fleet.js'
import { addInitCommand } from './init.js'
import { loadDotEnv } from './dotenv.js'
import { addExpandCommand } from './expand.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

// `shipshape migration status | head`: once the reader is gone, output is dropped while the
// command finishes its work (stopping a migration half-way would be worse than silence).
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e
  })

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
addExpandCommand(program)

try {
  loadDotEnv()
} catch (e) {
  process.stderr.write(`! .env not loaded: ${redact((e as Error).message)}\n`)
}
await program.parseAsync(process.argv)
