import { writeFileSync } from 'node:fs'
import { extname, relative, resolve } from 'node:path'
import type { Command } from 'commander'
import { ShipshapeError } from '../errors.js'
import { datasourceDiagram } from '../pictures/datasource-diagram.js'
import { diagramPageHtml } from '../pictures/diagram-page.js'
import { mermaidDiagram } from '../pictures/mermaid.js'
import { svgDiagram } from '../pictures/svg.js'
import { EXIT } from './exit-codes.js'
import { withMigrationTarget } from './migration.js'

interface DiagramFlags {
  fromDb?: boolean
  out?: string
  datasource?: string
  json?: boolean
  config?: string
}

/** Registers `shipshape diagram`: an ER diagram of the models or the database, as HTML, SVG or Mermaid. */
export function addDiagramCommand(program: Command) {
  program
    .command('diagram')
    .description('Draw the schema (entity-relationship diagram) of the models, or of the database with --from-db; what differs is highlighted')
    .option('--from-db', 'draw the live database\u2019s tables instead of the models')
    .option('--out <file>', 'write schema.html, schema.svg or schema.mmd (default: Mermaid on standard output)')
    .option('--datasource <name>', 'only this datasource (default: every SQL datasource)')
    .option('--json', 'print the diagram (tables, columns, relations, marks) as JSON')
    .option('-c, --config <file>', 'config file (default: shipshape.config.{ts,js,mjs})')
    .action(async (flags: DiagramFlags) => {
      // Loads the config (booting an app), and disconnects everything afterwards.
      process.exitCode = await withMigrationTarget({ config: flags.config, json: flags.json, datasource: flags.datasource }, async (target, p) => {
        const datasources = target.datasources
        {
          const diagram = await datasourceDiagram(datasources, { fromDb: !!flags.fromDb, ...(flags.datasource ? { datasource: flags.datasource } : {}) })
          if (diagram.tables.length === 0) throw new ShipshapeError('INVALID_CONFIG', 'No SQL datasource with models to draw.')
          const title = flags.fromDb ? 'Database schema' : 'Model schema'
          if (flags.out) {
            const file = resolve(process.cwd(), flags.out)
            const ext = extname(file).toLowerCase()
            const text =
              ext === '.html' || ext === '.htm'
                ? await diagramPageHtml(diagram, { title, fromDb: !!flags.fromDb, subtitle: datasources.map((d) => d.name).join(', ') })
                : ext === '.svg'
                  ? await svgDiagram(diagram, { title })
                  : ext === '.mmd' || ext === '.md'
                    ? mermaidDiagram(diagram)
                    : undefined
            if (text === undefined) throw new ShipshapeError('INVALID_CONFIG', `--out ${flags.out}: use a .html, .svg or .mmd file.`)
            writeFileSync(file, text)
            if (!flags.json) p.line(p.colors.green(`✔ ${relative(process.cwd(), file)}: ${diagram.tables.length} table(s), ${diagram.edges.length} relation(s)`))
          } else if (!flags.json) p.out.write(mermaidDiagram(diagram))
          if (flags.json) p.line(JSON.stringify(diagram, null, 2))
          return EXIT.ok
        }
      })
    })
}
