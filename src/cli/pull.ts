import { relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { pullModels } from '../migrations/pull.js'
import { EXIT } from './exit-codes.js'
import { withMigrationTarget, type MigrationFlags } from './migration.js'

/** Registers `shipshape pull [--out DIR]`: model files (decorator form) from an existing database. */
export function addPullCommand(program: Command) {
  program
    .command('pull')
    .description('Write model files (decorators) from an existing database, to adopt it; then `migration baseline`')
    .option('--out <folder>', 'where to write the models', 'src/models')
    .option('--tables <names>', 'only these tables (comma separated)')
    .option('--import-from <module>', 'module the files import Entity, model and property from', 'shipshape')
    .option('--datasource <name>', 'datasource to pull (default: the first with a SQL database)')
    .option('-c, --config <file>', 'config file (default: shipshape.config.{ts,js,mjs})')
    .option('--json', 'print the files written, the models and the warnings as JSON')
    .action(async (flags: MigrationFlags & { out: string; tables?: string; importFrom: string }) => {
      process.exitCode = await withMigrationTarget(flags, async (target, p) => {
        const result = await pullModels(target.ds, {
          out: resolve(process.cwd(), flags.out),
          importFrom: flags.importFrom,
          ...(flags.tables ? { tables: flags.tables.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
        })
        if (flags.json) {
          p.line(JSON.stringify({ files: result.files, models: result.models.map((m) => m.name), warnings: result.warnings }, null, 2))
          return EXIT.ok
        }
        for (const f of result.files) p.line(`${p.colors.green('+')} ${relative(process.cwd(), f)}`)
        for (const w of result.warnings) p.line(p.colors.yellow(`  ! ${w}`))
        p.line(p.colors.green(`✔ ${result.models.length} model(s) written`))
        return EXIT.ok
      })
    })
}


