import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import type { DataSourceConfig } from '../datasource/config.js'
import { ShipshapeError } from '../errors.js'
import { DEFAULT_CONFIG_FILES } from './config.js'
import { connectorOfUrl, DEFAULT_MODEL_FOLDERS } from './env-config.js'
import { EXIT } from './exit-codes.js'
import { reportFileCommandFailure } from './file-command-failure.js'
import { loopBackDataSources, type FoundDataSource } from './loopback-project.js'
import { Printer } from './output.js'

interface InitFlags {
  connector?: string
  url?: string
  models?: string
  migrations?: string
  js?: boolean
  force?: boolean
  json?: boolean
}

/** The npm scripts init adds (an existing script of the same name is left alone). */
export const INIT_SCRIPTS: Record<string, string> = {
  'db:migrate': 'shipshape migrate',
  'db:plan': 'shipshape migrate --dry-run',
  'db:check': 'shipshape migrate --check',
  'migration:generate': 'shipshape migration generate',
  'migration:create': 'shipshape migration create',
  'migration:up': 'shipshape migration up',
  'migration:status': 'shipshape migration status',
}

const DRIVER: Record<string, string> = {
  postgresql: 'pg',
  postgres: 'pg',
  mysql: 'mysql2',
  mariadb: 'mysql2',
  sqlite: 'better-sqlite3',
  sqlite3: 'better-sqlite3',
  pglite: '@electric-sql/pglite',
}

export interface InitResult {
  configFile: string
  created: string[]
  scripts: string[]
  datasources: Array<{ name: string; connector: string; from?: string }>
  /** Packages the project still has to install. */
  install: string[]
}

/** One datasource as config source text; a password is never copied, it is read from the environment. */
function datasourceSource(found: FoundDataSource): string {
  const { password, ...rest } = found.config as DataSourceConfig & { password?: unknown }
  const fields = Object.entries(rest).map(([k, v]) => `${JSON.stringify(k).replace(/^"([A-Za-z_$][\w$]*)"$/, '$1')}: ${JSON.stringify(v)}`)
  if (password !== undefined) fields.push(`password: process.env.${(found.config.name ?? 'db').toUpperCase().replace(/\W/g, '_')}_PASSWORD`)
  return `    // from ${found.file}\n    { ${fields.join(', ')} },`
}

function configSource(datasources: string[], models: string, migrations: string): string {
  return [
    `// Written by \`shipshape init\`. Paths are relative to this file; the CLI loads .env first.`,
    `import { defineConfig } from 'shipshape'`,
    '',
    `export default defineConfig({`,
    `  datasources: [`,
    ...datasources,
    `  ],`,
    `  // A folder (or glob) of files exporting model classes, or the classes themselves.`,
    `  models: ${JSON.stringify(models)},`,
    `  migrations: ${JSON.stringify(migrations)},`,
    `})`,
    '',
  ].join('\n')
}

function canResolve(cwd: string, name: string): boolean {
  try {
    createRequire(join(cwd, 'package.json')).resolve(`${name}/package.json`)
    return true
  } catch {
    return false
  }
}

/** Writes a typed config, the migrations folder and npm scripts into `cwd`. */
export async function initProject(cwd: string, flags: InitFlags): Promise<InitResult> {
  const existing = DEFAULT_CONFIG_FILES.find((f) => existsSync(join(cwd, f)))
  if (existing && !flags.force)
    throw new ShipshapeError('INVALID_CONFIG', `${existing} already exists in ${cwd}. Pass --force to overwrite it.`)
  const created: string[] = []
  const ts = !flags.js
  const configFile = join(cwd, ts ? 'shipshape.config.ts' : 'shipshape.config.mjs')

  // Datasources: a LoopBack project's own (src/datasources), else one from --url / DATABASE_URL / --connector (SQLite by default).
  let found: FoundDataSource[] = flags.connector || flags.url ? [] : await loopBackDataSources(cwd)
  const sources: string[] = found.map(datasourceSource)
  if (found.length === 0) {
    const connector = defaultDataSource(cwd, flags, sources, created)
    found = [{ file: '', config: { name: 'db', connector } }]
  }

  const models = flags.models ?? `./${DEFAULT_MODEL_FOLDERS.find((f) => existsSync(join(cwd, f))) ?? 'src/models'}`
  const migrations = flags.migrations ?? './migrations'
  writeFileSync(configFile, configSource(sources, models, migrations))
  created.push(configFile)
  const migrationsDir = resolve(cwd, migrations)
  if (!existsSync(migrationsDir)) {
    mkdirSync(migrationsDir, { recursive: true })
    created.push(migrationsDir)
  }

  const scripts = addScripts(join(cwd, 'package.json'))

  const needed = [...new Set(found.map((f) => DRIVER[f.config.connector]).filter((d): d is string => !!d))]
  if (ts) needed.push('tsx')
  return {
    configFile,
    created,
    scripts,
    datasources: found.map((f) => ({ name: f.config.name ?? 'db', connector: f.config.connector, ...(f.file ? { from: f.file } : {}) })),
    install: needed.filter((n) => !canResolve(cwd, n)),
  }
}

/** One datasource from --url, DATABASE_URL or --connector (SQLite by default): its source line, and its folder or .env made. */
function defaultDataSource(cwd: string, flags: InitFlags, sources: string[], created: string[]): string {
  const url = flags.url ?? process.env.DATABASE_URL
  const connector = flags.connector ?? (url ? connectorOfUrl(url) : 'sqlite')
  if (connector === 'sqlite' || connector === 'sqlite3') {
    const file = url && connectorOfUrl(url) === 'sqlite' ? url.replace(/^(sqlite:(\/\/)?|file:)/, '') : './data/app.db'
    sources.push(`    { name: 'db', connector: 'sqlite', file: ${JSON.stringify(file)} },`)
    const folder = resolve(cwd, file, '..')
    if (!existsSync(folder)) {
      mkdirSync(folder, { recursive: true })
      created.push(folder)
    }
  } else if (connector === 'pglite') {
    sources.push(`    { name: 'db', connector: 'pglite', dataDir: './data/pglite' },`)
  } else if (DRIVER[connector]) {
    sources.push(`    { name: 'db', connector: ${JSON.stringify(connector)}, url: process.env.DATABASE_URL },`)
    if (flags.url && !existsSync(join(cwd, '.env'))) {
      writeFileSync(join(cwd, '.env'), `DATABASE_URL=${flags.url}\n`)
      created.push(join(cwd, '.env'))
    }
  } else throw new ShipshapeError('INVALID_CONFIG', `--connector must be postgresql, mysql, sqlite or pglite, not "${connector}".`)
  return connector
}

/** Adds the npm scripts the package.json lacks (never overwriting one), keeping its indentation; the names added. */
function addScripts(pkgFile: string): string[] {
  const scripts: string[] = []
  if (!existsSync(pkgFile)) return scripts
  const text = readFileSync(pkgFile, 'utf8')
  const pkg = JSON.parse(text) as { scripts?: Record<string, string> }
  pkg.scripts ??= {}
  for (const [name, command] of Object.entries(INIT_SCRIPTS))
    if (!pkg.scripts[name]) {
      pkg.scripts[name] = command
      scripts.push(name)
    }
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  '
  if (scripts.length) writeFileSync(pkgFile, JSON.stringify(pkg, null, indent) + '\n')
  return scripts
}

/** Registers `shipshape init`. */
export function addInitCommand(program: Command) {
  program
    .command('init')
    .description('Write shipshape.config.ts (typed, defineConfig), a migrations folder and npm scripts; reads a LoopBack project\u2019s datasources')
    .option('--connector <name>', 'postgresql, mysql, sqlite or pglite (default: from DATABASE_URL, else sqlite)')
    .option('--url <url>', 'database URL, written to .env as DATABASE_URL (the config reads it from there)')
    .option('--models <path>', 'folder or glob of the model files (default: src/models)')
    .option('--migrations <folder>', 'migrations folder (default: ./migrations)')
    .option('--js', 'write shipshape.config.mjs instead of TypeScript')
    .option('--force', 'overwrite an existing config file')
    .option('--json', 'print what was written as JSON')
    .action(async (flags: InitFlags) => {
      const p = new Printer()
      try {
        const r = await initProject(process.cwd(), flags)
        if (flags.json) p.line(JSON.stringify(r, null, 2))
        else {
          for (const f of r.created) p.line(`${p.colors.green('+')} ${f}`)
          for (const s of r.scripts) p.line(`${p.colors.green('+')} npm script "${s}"`)
          for (const d of r.datasources) p.line(`  datasource ${d.name} (${d.connector})${d.from ? p.colors.dim(` from ${d.from}`) : ''}`)
          const drivers = r.install.filter((n) => n !== 'tsx')
          const commands = [...(drivers.length ? [`npm install ${drivers.join(' ')}`] : []), ...(r.install.includes('tsx') ? ['npm install --save-dev tsx'] : [])]
          if (commands.length) p.line(p.colors.yellow(`! Install: ${commands.join(' && ')}`))
          p.line(p.colors.green(`✔ Next: npx shipshape migrate --dry-run`))
        }
        process.exitCode = EXIT.ok
      } catch (e) {
        reportFileCommandFailure(p, e, flags.json)
      }
    })
}
