import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import BetterSqlite from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MYSQL_URL, PG_URL, postgresBackend, type TestScope } from '../support/backends.js'
import { runCli } from '../support/cli.js'
import mysql from 'mysql2/promise'
import pg from 'pg'

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const { CI: _ci, DATABASE_URL: _url, FORCE_COLOR: _force, NO_COLOR: _no, ...base } = process.env
  return runCli(cwd, args, env, base)
}

const TODO_MODEL = `import { defineModel } from 'shipshape'
export const Todo = defineModel({ name: 'Todo', properties: {
  id: { type: 'number', id: true, generated: true },
  title: { type: 'string', required: true },
} })
`

function tables(file: string): string[] {
  const db = new BetterSqlite(file, { readonly: true })
  try {
    return (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name)
  } finally {
    db.close()
  }
}

/** A project folder that imports 'shipshape' as an application would (linked to this repository). */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-dx-'))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(resolve('.'), join(dir, 'node_modules', 'shipshape'), 'dir')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', type: 'module', scripts: { migrate: 'keep me' } }, null, 2))
  mkdirSync(join(dir, 'src', 'models'), { recursive: true })
  writeFileSync(join(dir, 'src', 'models', 'todo.model.mjs'), TODO_MODEL)
  return dir
}

// Each test spawns the CLI several times (about a second each, more on a loaded machine).
const SLOW = { timeout: 180_000 }

describe('shipshape init and a config file', SLOW, () => {
  let dir: string
  beforeEach(() => {
    dir = project()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('init writes a typed config, the migrations folder and npm scripts; migrate works from another folder', () => {
    const init = run(dir, ['init'])
    expect(init.code).toBe(0)
    const config = readFileSync(join(dir, 'shipshape.config.ts'), 'utf8')
    expect(config).toContain(`import { defineConfig } from 'shipshape'`)
    expect(config).toContain(`connector: 'sqlite', file: "./data/app.db"`.replace(`'sqlite'`, `'sqlite'`))
    expect(config).toContain(`models: "./src/models"`)
    expect(existsSync(join(dir, 'migrations'))).toBe(true)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(pkg.scripts).toMatchObject({ migrate: 'keep me', 'db:migrate': 'shipshape migrate', 'migration:create': 'shipshape migration create' })
    expect(run(dir, ['init']).code).toBe(2) // never overwrites without --force

    // Paths in the config are relative to its folder, wherever the CLI runs.
    mkdirSync(join(dir, 'elsewhere'))
    const migrated = run(join(dir, 'elsewhere'), ['migrate', '--config', '../shipshape.config.ts'])
    expect(migrated.err).toBe('')
    expect(migrated.code).toBe(0)
    expect(tables(join(dir, 'data', 'app.db'))).toEqual(['Todo'])
    expect(existsSync(join(dir, 'elsewhere', 'data'))).toBe(false)
  })

  it('init reads a LoopBack project\u2019s datasource config', () => {
    mkdirSync(join(dir, 'src', 'datasources'))
    writeFileSync(
      join(dir, 'src', 'datasources', 'db.datasource.ts'),
      `import {juggler} from '@loopback/repository';\n\nconst config = {\n  name: 'db',\n  connector: 'postgresql',\n  host: '127.0.0.1',\n  port: 5432,\n  user: 'postgres',\n  password: 'secret',\n  database: 'test'\n};\n\nexport class DbDataSource extends juggler.DataSource {}\n`,
    )
    const r = run(dir, ['init', '--json', '--js'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out).datasources).toEqual([{ name: 'db', connector: 'postgresql', from: join('src', 'datasources', 'db.datasource.ts') }])
    const config = readFileSync(join(dir, 'shipshape.config.mjs'), 'utf8')
    expect(config).toContain(`// from src/datasources/db.datasource.ts`)
    expect(config).toMatch(/name: "db", connector: "postgresql", host: "127\.0\.0\.1", port: 5432, user: "postgres", database: "test"/)
    expect(config).toContain('password: process.env.DB_PASSWORD')
    expect(config).not.toContain('secret')
  })

  it('migration create NAME writes a blank migration that runs; --sql writes -- up / -- down', () => {
    writeFileSync(
      join(dir, 'shipshape.config.mjs'),
      `import { defineConfig } from 'shipshape'\nexport default defineConfig({ datasources: [{ name: 'db', connector: 'sqlite', file: 'app.db' }], models: './src/models', migrations: 'db/migrations' })\n`,
    )
    const ts = run(dir, ['migration', 'create', 'Backfill titles'])
    expect(ts.code).toBe(0)
    expect(ts.out).toMatch(/\+ db\/migrations\/\d{14}_backfill_titles\.ts/)
    const sql = run(dir, ['migration', 'create', 'seed', '--sql', '--json'])
    expect(sql.code).toBe(0)
    const file = JSON.parse(sql.out).file as string
    expect(file).toMatch(/db\/migrations\/\d{14}_seed\.sql$/)
    writeFileSync(file, readFileSync(file, 'utf8').replace('-- up\n', `-- up\nCREATE TABLE "seeded" ("id" INTEGER);\n`).replace(/-- down\n$/, `-- down\nDROP TABLE "seeded";\n`))
    const files = readdirSync(join(dir, 'db', 'migrations')).sort()
    expect(files).toHaveLength(2)
    expect(files[0]! < files[1]!).toBe(true)
    const up = run(dir, ['migration', 'up'])
    expect(up.err).toBe('')
    expect(up.code).toBe(0)
    expect(up.out).toMatch(/2 migration\(s\) applied/)
    expect(tables(join(dir, 'app.db'))).toContain('seeded')
  })
})

describe('an {app} config over TypeScript sources', SLOW, () => {
  let dir: string
  beforeEach(() => {
    dir = project()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('boots the .ts models, datasources and repositories (through tsx), so --check sees them', () => {
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, target: 'ES2022', module: 'NodeNext' } }),
      'src/models/note.model.ts': `import { Entity, model, property } from 'shipshape'
@model()
export class Note extends Entity {
  @property({ type: 'number', id: true, generated: true }) id?: number
  @property({ type: 'string' }) body?: string
}
`,
      'src/datasources/db.datasource.ts': `import { DataSource } from 'shipshape'
export class DbDataSource extends DataSource {
  static dataSourceName = 'db'
  constructor() { super({ name: 'db', connector: 'sqlite', file: 'app.db' }) }
}
`,
      'src/repositories/note.repository.ts': `import { DefaultCrudRepository, inject } from 'shipshape'
import { Note } from '../models/note.model.js'
import { DbDataSource } from '../datasources/db.datasource.js'
export class NoteRepository extends DefaultCrudRepository<Note, typeof Note.prototype.id> {
  constructor(@inject('datasources.db') dataSource: DbDataSource) { super(Note, dataSource) }
}
`,
      'src/application.ts': `import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Application } from 'shipshape'
export class MyApp extends Application {
  constructor() { super({ projectRoot: dirname(fileURLToPath(import.meta.url)) }) }
}
`,
      'shipshape.config.ts': `import { defineConfig } from 'shipshape'\nimport { MyApp } from './src/application.js'\nexport default defineConfig({ app: () => new MyApp() })\n`,
    }
    rmSync(join(dir, 'src', 'models', 'todo.model.mjs'))
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    const check = run(dir, ['migrate', '--check'])
    expect(check.out).toMatch(/create table Note \(id, body\)/)
    expect(check.code).toBe(7)
    expect(run(dir, ['migrate']).code).toBe(0)
    expect(tables(join(dir, 'app.db'))).toEqual(['Note'])
    expect(run(dir, ['migrate', '--check']).code).toBe(0)
  })
})

describe('no config file: DATABASE_URL from .env and the models folder', SLOW, () => {
  let dir: string
  let scope: TestScope
  beforeEach(async () => {
    dir = project()
    scope = await postgresBackend.create()
  })
  afterEach(async () => {
    await scope.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('migrates the database .env names with the models of src/models', async () => {
    // The test's own schema, through the URL (libpq's `options`), as the only datasource setting.
    const url = `${scope.config.url}?options=${encodeURIComponent(`-c search_path=${scope.config.schema}`)}`
    writeFileSync(join(dir, '.env'), `# the CLI reads this\nDATABASE_URL=${url}\n`)
    const r = run(dir, ['migrate'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect((await scope.catalog.columns('Todo')).map((c) => c.name)).toEqual(['id', 'title'])
    // What the environment sets wins over .env.
    const bad = run(dir, ['migrate', '--json'], { DATABASE_URL: 'redis://x' })
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.out).error.message).toMatch(/DATABASE_URL must start with postgres/)
  })
})

describe('--json on every command', SLOW, () => {
  let dir: string
  beforeEach(() => {
    dir = project()
    writeFileSync(
      join(dir, 'shipshape.config.mjs'),
      `import { defineConfig } from 'shipshape'\nexport default defineConfig({ datasources: [{ name: 'db', connector: 'sqlite', file: 'app.db' }], models: './src/models' })\n`,
    )
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('generate, up, status, baseline, repair, pull, down print JSON; a refusal carries its plan', () => {
    const json = (args: string[]) => {
      const r = run(dir, [...args, '--json'])
      expect(r.err, args.join(' ')).toBe('')
      return { code: r.code, value: JSON.parse(r.out) }
    }
    const generated = json(['migration', 'generate', 'init'])
    expect(generated.code).toBe(0)
    expect(generated.value.files).toEqual([expect.objectContaining({ name: expect.stringMatching(/^\d{14}_init$/), irreversible: [] })])
    expect(generated.value.plan.changes[0].change.kind).toBe('create-table')
    const up = json(['migration', 'up'])
    expect(up.value).toMatchObject({ direction: 'up', migrations: [generated.value.files[0].name] })
    expect(json(['migration', 'status']).value.migrations).toEqual([expect.objectContaining({ state: 'applied' })])
    expect(json(['migration', 'repair']).value).toEqual({ repaired: [] })
    expect(json(['migration', 'baseline', generated.value.files[0].name]).value).toMatchObject({ baselined: generated.value.files[0].name })
    const pulled = json(['pull', '--out', 'pulled'])
    expect(pulled.value.models).toEqual(['Todo'])
    expect(json(['migration', 'down', '--yes']).value).toMatchObject({ direction: 'down', migrations: [generated.value.files[0].name] })

    // A removed property, dropped on request: refused without --allow-data-loss, the plan in the JSON.
    expect(run(dir, ['migrate']).code).toBe(0)
    writeFileSync(join(dir, 'src', 'models', 'todo.model.mjs'), TODO_MODEL.replace(/\n  title: .*\n/, '\n'))
    const refused = json(['migrate', '--drop-removed-columns'])
    expect(refused.code).toBe(3)
    expect(refused.value.error).toMatchObject({ code: 'PLAN_REFUSED', rule: 'data-loss', plan: { changes: [{ risk: 'destructive' }] } })
  })
})

describe('the two --checks agree', SLOW, () => {
  let dir: string
  let scope: TestScope
  beforeEach(async () => {
    dir = project()
    scope = await postgresBackend.create()
    writeFileSync(
      join(dir, 'shipshape.config.mjs'),
      `import { defineConfig } from 'shipshape'\nexport default defineConfig({ datasources: [${JSON.stringify({ name: 'db', ...scope.config })}], models: './src/models' })\n`,
    )
  })
  afterEach(async () => {
    await scope.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a table the models would create beside one differing only in case is pointed out', async () => {
    await scope.raw(`CREATE TABLE ${scope.table('todo')} (id integer PRIMARY KEY, title text)`)
    const r = run(dir, ['migrate', '--dry-run'])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/table "Todo" would be created beside "todo", which differs only in case/)
    expect(r.out).toMatch(/naming: 'loopback'/)
    const json = JSON.parse(run(dir, ['migrate', '--dry-run', '--json']).out)
    expect(json.datasources[0].plan.drift).toEqual([expect.objectContaining({ kind: 'case-twin', name: 'todo' })])
  })

  it('a name from the catalog cannot drive the terminal: its control characters print as \\xNN, colours stay', async () => {
    expect(run(dir, ['migrate']).code).toBe(0)
    // A hand-made index named to set the window title and clear the screen.
    const hostile = 'x\x1b]0;pwned\x07\x1b[2J\ry'
    await scope.raw(`CREATE INDEX ${scope.quote(hostile)} ON ${scope.table('Todo')} (${scope.quote('title')})`)
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: '', FORCE_COLOR: '1' }]) {
      const r = run(dir, ['migrate', '--dry-run'], env)
      expect(r.code).toBe(0)
      expect(r.out).toContain('x\\x1b]0;pwned\\x07\\x1b[2J\\x0dy')
      expect(r.out).not.toMatch(/\x1b\]|\x07|\x1b\[2J|\r/)
      if ('FORCE_COLOR' in env) expect(r.out).toMatch(/\x1b\[\d+m/)
    }
    // Machines get the name itself, JSON-escaped.
    const json = JSON.parse(run(dir, ['migrate', '--dry-run', '--json']).out)
    expect(json.datasources[0].plan.drift.map((d: { name: string }) => d.name)).toContain(hostile)
  })

  it('an expression index the models can\u2019t declare passes both; a plain hand-made index fails both', async () => {
    expect(run(dir, ['migrate']).code).toBe(0)
    await scope.raw(`CREATE INDEX ${scope.quote('by_lower_title')} ON ${scope.table('Todo')} (lower(${scope.quote('title')}))`)
    expect(run(dir, ['migrate', '--check']).code).toBe(0)
    const status = run(dir, ['migration', 'status', '--check'])
    expect(status.out).toMatch(/by_lower_title/)
    expect(status.code).toBe(0)
    await scope.raw(`CREATE INDEX ${scope.quote('by_hand')} ON ${scope.table('Todo')} (${scope.quote('title')})`)
    expect(run(dir, ['migrate', '--check']).code).toBe(7)
    expect(run(dir, ['migration', 'status', '--check']).code).toBe(7)
  })
})

describe('a database the server does not have', SLOW, () => {
  const name = `shipshape_dx_${process.pid}_${Date.now().toString(36)}`
  const servers = [
    {
      engine: 'PostgreSQL',
      url: PG_URL.replace(/\/[^/]*$/, `/${name}`),
      exists: async () => {
        const c = new pg.Client({ connectionString: PG_URL })
        await c.connect()
        try {
          return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1
        } finally {
          await c.end()
        }
      },
      drop: async () => {
        const c = new pg.Client({ connectionString: PG_URL })
        await c.connect()
        await c.query(`DROP DATABASE IF EXISTS "${name}"`).finally(() => c.end())
      },
    },
    {
      engine: 'MariaDB',
      url: `${MYSQL_URL}/${name}`,
      exists: async () => {
        const c = await mysql.createConnection(MYSQL_URL)
        try {
          return ((await c.query('SHOW DATABASES LIKE ?', [name]))[0] as unknown[]).length === 1
        } finally {
          await c.end()
        }
      },
      drop: async () => {
        const c = await mysql.createConnection(MYSQL_URL)
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``).finally(() => c.end())
      },
    },
  ]
  let dir: string
  beforeEach(() => {
    dir = project()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it.each(servers)('$engine: says so and how to create it; --create-db creates it, then migrates', async (server) => {
    try {
      const env = { DATABASE_URL: server.url }
      const missing = run(dir, ['migrate', '--json'], env)
      expect(missing.code).toBe(4)
      expect(JSON.parse(missing.out).error).toMatchObject({ code: 'DATABASE_MISSING', message: expect.stringContaining('--create-db') })
      expect(await server.exists()).toBe(false)
      const created = run(dir, ['migrate', '--create-db'], env)
      expect(created.err).toBe('')
      expect(created.code).toBe(0)
      expect(created.out).toContain(`Created database "${name}"`)
      expect(created.out).toMatch(/create table (\S+\.)?Todo/)
      expect(await server.exists()).toBe(true)
      expect(run(dir, ['migrate', '--create-db'], env).out).toMatch(/up to date/)
    } finally {
      await server.drop()
    }
  })
})

describe('a MariaDB dry run', SLOW, () => {
  let dir: string
  beforeEach(() => {
    dir = project()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('prints as statements exactly what runs; a statement merged into a combined one is a comment', () => {
    const name = `dx_combined_${process.pid}`
    writeFileSync(
      join(dir, 'shipshape.config.mjs'),
      `import { defineModel } from 'shipshape'
const M = defineModel({ name: ${JSON.stringify(name)}, properties: { id: { type: 'number', id: true, generated: true }, t: { type: 'string', length: 50, index: true } } })
export default { datasources: [{ name: 'db', connector: 'mysql', url: ${JSON.stringify(`${MYSQL_URL}/test`)} }], models: [M] }
`,
    )
    const r = run(dir, ['migrate', '--dry-run'])
    expect(r.code).toBe(0)
    const sent = r.out.split('\n').filter((l) => /^\s+(CREATE|ALTER) /.test(l))
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatch(new RegExp(`CREATE TABLE .* INDEX \`${name}_t_idx\``))
    expect(r.out).toMatch(/-- not sent on its own \(part of the combined statement\): ALTER TABLE .* ADD INDEX/)
  })
})

describe('SQLite as files and folders', SLOW, () => {
  let dir: string
  beforeEach(() => {
    dir = project()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('a dry run creates no file; a missing folder is named, with what to do', () => {
    const env = { DATABASE_URL: 'file:./data/dev.db' }
    mkdirSync(join(dir, 'data'))
    const dry = run(dir, ['migrate', '--dry-run'], env)
    expect(dry.code).toBe(0)
    expect(dry.out).toMatch(/CREATE TABLE "Todo"/)
    expect(readdirSync(join(dir, 'data'))).toEqual([])
    const rebuildDry = run(dir, ['migrate', '--rebuild', '--dry-run'], env)
    expect(rebuildDry.code).toBe(0)
    expect(readdirSync(join(dir, 'data'))).toEqual([])

    const missing = run(dir, ['migrate'], { DATABASE_URL: 'file:./nowhere/dev.db' })
    expect(missing.code).toBe(4)
    expect(missing.err).toContain(`its folder ${join(dir, 'nowhere')} does not exist`)
    expect(missing.err).toContain(`mkdir -p ${join(dir, 'nowhere')}`)
    expect(missing.err).not.toMatch(/server is running/)
  })
})

describe('output', SLOW, () => {
  let dir: string
  beforeEach(() => {
    dir = project()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('says PGlite is starting, and when it is ready, on standard error', () => {
    writeFileSync(join(dir, 'shipshape.config.mjs'), `export default { datasources: [{ name: 'db', connector: 'pglite' }], models: './src/models' }\n`)
    const r = run(dir, ['migrate', '--dry-run', '--json'])
    expect(r.code).toBe(0)
    expect(r.err).toMatch(/Starting PGlite .*\(datasource db\)\n  ready in \d+\.\d s\n/)
    expect(JSON.parse(r.out).dryRun).toBe(true)
  })

  it('FORCE_COLOR colours output that is no terminal; NO_COLOR wins', () => {
    const env = { DATABASE_URL: 'file:./dev.db' }
    const forced = run(dir, ['migrate', '--dry-run'], { ...env, NO_COLOR: '', FORCE_COLOR: '1' })
    expect(forced.out).toMatch(/\x1b\[\d+m/)
    const plain = run(dir, ['migrate', '--dry-run'], { ...env, NO_COLOR: '1', FORCE_COLOR: '1' })
    expect(plain.out).not.toMatch(/\x1b\[/)
    const piped = run(dir, ['migrate', '--dry-run'], { ...env, NO_COLOR: '' })
    expect(piped.out).not.toMatch(/\x1b\[/)
  })

  it('--help describes every option, in the CLI and in an application\u2019s migrate script', () => {
    const help = run(dir, ['migrate', '--help'])
    expect(help.code).toBe(0)
    expect(help.out).toMatch(/--rebuild\s+drop the models/)
    expect(help.out).toMatch(/-y, --yes\s+go ahead/)
    writeFileSync(
      join(dir, 'migrate.mjs'),
      `import { migrateCli, DataSource } from 'shipshape'\nprocess.exitCode = await migrateCli({ datasources: [new DataSource({ name: 'db', connector: 'memory' })] })\n`,
    )
    const r = spawnSync(process.execPath, ['migrate.mjs', '--help'], { cwd: dir, encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/--dry-run\s+print the plan/)
    expect(r.stdout).toMatch(/--check\s+like --dry-run/)
  })
})
