import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mysqlBackend, postgresBackend, sqliteBackend, type TestScope } from '../support/backends.js'
import { CLI, LIB, runCli } from '../support/cli.js'
import { migrationsDir } from './support.js'

// These run the built CLI (`npm run build` first), as a user would.
const run = runCli

function runAsync(cwd: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => done({ code, out, err }))
  })
}

function writeConfig(dir: string, datasource: object, titleLength: number, extra = '') {
  writeFileSync(
    join(dir, 'shipshape.config.mjs'),
    `import { defineModel } from ${JSON.stringify(LIB)}
const Todo = defineModel({ name: 'Todo', properties: {
  id: { type: 'number', id: true, generated: true },
  title: { type: 'string', required: true, length: ${titleLength} },
  isComplete: { type: 'boolean', default: false },${extra}
}, settings: { indexes: { todo_title_idx: { keys: { title: 1 } } } } })
export default { datasources: [${JSON.stringify(datasource)}], models: [Todo], migrations: 'db/migrations' }
`,
  )
}

describe.each([postgresBackend, sqliteBackend, mysqlBackend])('shipshape migration (spawned) on $name', (backend) => {
  let scope: TestScope
  let tmp: ReturnType<typeof migrationsDir>
  beforeEach(async () => {
    scope = await backend.create()
    tmp = migrationsDir()
  })
  afterEach(async () => {
    await scope.dispose()
    tmp.dispose()
  })

  // The library is exercised on every back end by the other files; end to end once is enough (spawns are slow).
  if (backend === postgresBackend)
  it('generate, status --check, up, changed file and repair, down, drift, refusal, pull', async () => {
    const dir = tmp.dir
    writeConfig(dir, { name: 'db', ...scope.config }, 100, `\n  desc: { type: 'string' },`)
    const gen = run(dir, ['migration', 'generate', 'init'])
    expect(gen.err).toBe('')
    expect(gen.code).toBe(0)
    expect(gen.out).toMatch(/\+ db\/migrations\/\d{14}_init\.ts/)
    expect(gen.out).toMatch(/\+ create table .*Todo/)
    const folder = join(dir, 'db/migrations')
    expect(readdirSync(folder).filter((f) => f.startsWith('snapshot.'))).toHaveLength(1)

    const pending = run(dir, ['migration', 'status', '--check'])
    expect(pending.code).toBe(7)
    expect(pending.out).toMatch(/pending\s+\d{14}_init/)

    const up = run(dir, ['migration', 'up'])
    expect(up.err).toBe('')
    expect(up.code).toBe(0)
    expect(up.out).toMatch(/↑ \d{14}_init/)
    expect((await scope.catalog.columns('Todo')).map((c) => c.name)).toEqual(['id', 'title', 'isComplete', 'desc'])

    const clean = run(dir, ['migration', 'status', '--check'])
    expect(clean.code).toBe(0)
    expect(clean.out).toMatch(/applied\s+\d{14}_init .* by .*@/)
    expect(clean.out).toContain('The schema matches the models')

    // A file edited after it was applied stops `up`; status shows it; repair accepts it.
    const file = join(folder, readdirSync(folder).find((f) => f.endsWith('_init.ts'))!)
    writeFileSync(file, readFileSync(file, 'utf8') + '\n// reviewed\n')
    const stopped = run(dir, ['migration', 'up'])
    // Refused (the README's exit code 3), not "a statement failed".
    expect(stopped.code).toBe(3)
    expect(stopped.err).toMatch(/changed after they were applied: "\d{14}_init"/)
    const json = JSON.parse(run(dir, ['migration', 'status', '--json']).out)
    expect(json.migrations.map((m: { state: string }) => m.state)).toEqual(['changed'])
    expect(json.drift.isInSync).toBe(true)
    const repaired = run(dir, ['migration', 'repair'])
    expect(repaired.code).toBe(0)
    expect(repaired.out).toMatch(/~ \d{14}_init/)
    expect(run(dir, ['migration', 'up']).code).toBe(0)

    // Widen the title, apply, revert, apply again.
    writeConfig(dir, { name: 'db', ...scope.config }, 300, `\n  desc: { type: 'string' },`)
    const widen = run(dir, ['migration', 'generate', 'widen title'])
    expect(widen.code).toBe(0)
    expect(widen.out).toMatch(/\d{14}_widen_title/)
    expect(run(dir, ['migration', 'up']).code).toBe(0)
    expect((await scope.catalog.columns('Todo')).find((c) => c.name === 'title')!.type).toMatch(/300/)
    expect(run(dir, ['migration', 'down', '--steps', '1']).code).toBe(3) // not on a terminal, no --yes
    const down = run(dir, ['migration', 'down', '--steps', '1', '--yes'])
    expect(down.code).toBe(0)
    expect(down.out).toMatch(/↓ \d{14}_widen_title/)
    expect((await scope.catalog.columns('Todo')).find((c) => c.name === 'title')!.type).toMatch(/100/)
    expect(run(dir, ['migration', 'up', '--to', readdirSync(folder).find((f) => f.includes('widen'))!.replace(/\.ts$/, '')]).code).toBe(0)

    // Drift: an index made by hand is reported in the plan's vocabulary.
    await scope.raw(`CREATE INDEX ${scope.quote('by_hand')} ON ${scope.table('Todo')} (${scope.quote('isComplete')})`)
    const drifted = run(dir, ['migration', 'status', '--check'])
    expect(drifted.code).toBe(7)
    expect(drifted.out).toMatch(/index "by_hand" .* not made by Shipshape/)

    // Removing a property is destructive: refused with exit code 3 unless allowed.
    writeConfig(dir, { name: 'db', ...scope.config }, 300)
    const refused = run(dir, ['migration', 'generate', 'drop desc'])
    expect(refused.code).toBe(3)
    expect(refused.err).toMatch(/desc.*loses its data/)
    expect(refused.err).toContain('--allow-data-loss')
    const allowed = run(dir, ['migration', 'generate', 'drop desc', '--allow-data-loss', '--format', 'sql'])
    expect(allowed.code).toBe(0)
    expect(allowed.out).toMatch(/down\(\) throws: it drops column/)

    // Pull writes decorator models.
    const pulled = run(dir, ['pull', '--out', 'pulled'])
    expect({ code: pulled.code, err: pulled.err }).toEqual({ code: 0, err: '' })
    expect(existsSync(join(dir, 'pulled', 'todo.model.ts'))).toBe(true)
    expect(readFileSync(join(dir, 'pulled', 'todo.model.ts'), 'utf8')).toContain('export class Todo extends Entity')
    expect(existsSync(join(dir, 'pulled', 'shipshape-migrations.model.ts'))).toBe(false)
  }, 180_000) // many spawned CLI runs: generous on a loaded machine

  it('ten concurrent `migration up` processes apply each migration exactly once', async () => {
    const dir = tmp.dir
    writeConfig(dir, { name: 'db', ...scope.config }, 100)
    const folder = join(dir, 'db/migrations')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(folder, { recursive: true })
    const log = scope.table('applied_log')
    writeFileSync(join(folder, '20240101000000_log.sql'), `CREATE TABLE ${log} (${scope.quote('name')} varchar(50));\nINSERT INTO ${log} VALUES ('first');\n`)
    writeFileSync(
      join(folder, '20240102000000_slow.mjs'),
      `export async function up(ctx) {\n  await new Promise((r) => setTimeout(r, 300))\n  await ctx.exec(${JSON.stringify(`INSERT INTO ${log} VALUES ('second')`)})\n}\n`,
    )
    writeFileSync(join(folder, '20240103000000_third.sql'), `INSERT INTO ${log} VALUES ('third');\n`)
    const results = await Promise.all(Array.from({ length: 10 }, () => runAsync(dir, ['migration', 'up', '--lock-timeout', '60000'])))
    for (const r of results) {
      expect(r.err).toBe('')
      expect(r.code).toBe(0)
    }
    // Each applied migration is printed as `↑ name (N ms)`.
    const applied = results.flatMap((r) => r.out.split('\n').filter((l) => l.startsWith('↑ ')).map((l) => l.replace(/ \(\d+ ms\)$/, '')))
    expect(applied.sort()).toEqual(['↑ 20240101000000_log', '↑ 20240102000000_slow', '↑ 20240103000000_third'])
    expect((await scope.raw(`SELECT ${scope.quote('name')} FROM ${log} ORDER BY 1`)).map((r) => r.name)).toEqual(['first', 'second', 'third'])
    expect(Number((await scope.raw(`SELECT COUNT(*) AS n FROM ${scope.table('shipshape_migrations')}`))[0]!.n)).toBe(3)
  })
})
