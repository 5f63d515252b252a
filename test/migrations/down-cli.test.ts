import { spawn } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mysqlBackend, postgresBackend, type TestScope } from '../support/backends.js'
import { CLI, LIB, runCli } from '../support/cli.js'
import { migrationsDir } from './support.js'

// `migration down` reverts only what ran here, in the order it was applied; exit codes as the
// README's table. These run the built CLI (`npm run build` first).
const run = runCli

function writeConfig(dir: string, datasource: object) {
  writeFileSync(
    join(dir, 'shipshape.config.mjs'),
    `import { defineModel } from ${JSON.stringify(LIB)}
const Todo = defineModel({ name: 'Todo', properties: {
  id: { type: 'number', id: true, generated: true },
  title: { type: 'string', required: true, length: 100 },
} })
export default { datasources: [${JSON.stringify(datasource)}], models: [Todo], migrations: 'db/migrations' }
`,
  )
}

describe.each([postgresBackend, mysqlBackend])('migration down (spawned) on $name', (backend) => {
  let scope: TestScope
  let tmp: ReturnType<typeof migrationsDir>
  beforeEach(async () => {
    scope = await backend.create()
    tmp = migrationsDir()
    writeConfig(tmp.dir, { name: 'db', ...scope.config })
  })
  afterEach(async () => {
    await scope.dispose()
    tmp.dispose()
  })
  const tables = async () => (await scope.catalog.tables()).sort()

  it('refuses to revert a baselined migration, naming the tables and rows its down would drop, until --include-baselined', async () => {
    const dir = tmp.dir
    expect(run(dir, ['migrate']).code).toBe(0)
    await scope.insert('Todo', { title: 'a' })
    await scope.insert('Todo', { title: 'b' })
    expect(run(dir, ['migration', 'generate', 'init']).code).toBe(0)
    const init = readdirSync(join(dir, 'db/migrations')).find((f) => f.endsWith('_init.ts'))!.replace(/\.ts$/, '')
    expect(run(dir, ['migration', 'baseline', init]).code).toBe(0)
    expect(JSON.parse(run(dir, ['migration', 'status', '--json', '--no-drift']).out).migrations).toEqual([
      expect.objectContaining({ name: init, state: 'applied', baselined: true }),
    ])

    for (const args of [['migration', 'down'], ['migration', 'down', '--yes']]) {
      const refused = run(dir, args)
      expect(refused.code).toBe(3)
      expect(refused.err).toContain(`Refusing to revert "${init}": baselined, never run on this database`)
      expect(refused.err).toMatch(/drops table ".*Todo" \(2 rows\)/)
      expect(refused.err).toContain('--include-baselined')
      expect(await tables()).toEqual(['Todo', 'shipshape_migrations'])
      expect(await scope.rows('Todo', 'id')).toHaveLength(2)
    }

    const forced = run(dir, ['migration', 'down', '--include-baselined', '--yes'])
    expect(forced.err).toBe('')
    expect(forced.code).toBe(0)
    expect(forced.out).toMatch(/Reverting baselined migration\(s\); this drops:\n.*drops table ".*Todo" \(2 rows\)/)
    expect(await tables()).toEqual(['shipshape_migrations'])
  })

  it('reverts in the order migrations were applied; `up --to` naming no migration exits 2', async () => {
    const dir = tmp.dir
    const folder = join(dir, 'db/migrations')
    const create = (name: string) => `-- up\nCREATE TABLE ${scope.table(name)} (${scope.quote('id')} integer);\n-- down\nDROP TABLE ${scope.table(name)};\n`
    const { mkdirSync } = await import('node:fs')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, '20240101000000_a.sql'), create('A'))
    writeFileSync(join(folder, '20240103000000_c.sql'), create('C'))
    expect(run(dir, ['migration', 'up']).code).toBe(0)
    writeFileSync(join(folder, '20240102000000_b.sql'), create('B'))

    const nosuch = run(dir, ['migration', 'up', '--to', 'nosuch'])
    expect(nosuch.code).toBe(2)
    expect(nosuch.err).toContain('No migration named "nosuch"')
    expect(run(dir, ['migration', 'up']).code).toBe(3)
    const late = run(dir, ['migration', 'up', '--out-of-order'])
    expect(late.code).toBe(0)
    expect(late.out).toMatch(/↑ 20240102000000_b/)

    // b was applied last, so it is reverted first, though c sorts after it.
    const first = run(dir, ['migration', 'down', '--yes'])
    expect(first.code).toBe(0)
    expect(first.out).toMatch(/↓ 20240102000000_b/)
    expect(await tables()).toEqual(['A', 'C', 'shipshape_migrations'])
    expect(run(dir, ['migration', 'up', '--out-of-order']).code).toBe(0)
    // --to: every migration applied after a (c, then b), last applied first.
    const back = run(dir, ['migration', 'down', '--to', '20240101000000_a', '--yes'])
    expect(back.code).toBe(0)
    expect(back.out.split('\n').filter((l) => l.startsWith('↓')).map((l) => l.split(' ')[1])).toEqual(['20240102000000_b', '20240103000000_c'])
    expect(await tables()).toEqual(['A', 'shipshape_migrations'])
    expect(run(dir, ['migration', 'down', '--to', 'nosuch', '--yes']).code).toBe(2)
  })

  it('a file failing part-way: up names what took effect, status shows PARTIAL, down refuses, the fixed file resumes', async () => {
    const dir = tmp.dir
    const folder = join(dir, 'db/migrations')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(folder, { recursive: true })
    const t = (n: string) => scope.table(n)
    const c = (n: string) => scope.quote(n)
    const file = (fourth: string) =>
      `CREATE TABLE ${t('T')} (${c('id')} integer PRIMARY KEY, ${c('code')} varchar(20));\n` +
      `INSERT INTO ${t('T')} VALUES (1, 'a');\n` +
      `CREATE INDEX ${backend === postgresBackend ? 'CONCURRENTLY ' : ''}${c('t_code_idx')} ON ${t('T')} (${c('code')});\n` +
      `${fourth};\n`
    writeFileSync(join(folder, '20240101000000_mixed.sql'), file(`INSERT INTO ${t('NoSuch')} VALUES (1)`))
    const failed = run(dir, ['migration', 'up'])
    expect(failed.code).toBe(1)
    expect(failed.err).toContain('3 statement(s) of it took effect and stay')
    expect(failed.err).toMatch(/3\. CREATE INDEX/)
    expect(failed.err).toContain('resumes at statement 4')
    const status = run(dir, ['migration', 'status', '--check', '--no-drift'])
    expect(status.code).toBe(7)
    expect(status.out).toMatch(/PARTIAL\s+20240101000000_mixed .*3 statement\(s\) took effect/)
    expect(run(dir, ['migration', 'down', '--yes']).code).toBe(3)

    writeFileSync(join(folder, '20240101000000_mixed.sql'), file(`INSERT INTO ${t('T')} VALUES (2, 'b')`))
    const fixed = run(dir, ['migration', 'up'])
    expect(fixed.err).toBe('')
    expect(fixed.code).toBe(0)
    expect(run(dir, ['migration', 'status', '--check', '--no-drift']).code).toBe(0)
    expect((await scope.rows('T', 'id')).map((r) => r.code)).toEqual(['a', 'b'])
  })

  if (backend === postgresBackend)
    it('a reader that goes away (`| head`) ends nothing with a stack trace', async () => {
      const dir = tmp.dir
      const folder = join(dir, 'db/migrations')
      const { mkdirSync } = await import('node:fs')
      mkdirSync(folder, { recursive: true })
      for (let i = 0; i < 50; i++)
        writeFileSync(join(folder, `202401010000${String(i).padStart(2, '0')}_t${i}.sql`), `CREATE TABLE ${scope.table(`T${i}`)} (${scope.quote('id')} integer);\n`)
      const result = await new Promise<{ code: number | null; err: string }>((done) => {
        const child = spawn(process.execPath, [CLI, 'migration', 'up'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
        let err = ''
        child.stderr.on('data', (d) => (err += d))
        // Like `head -1`: read the first chunk, then close the pipe.
        child.stdout.once('data', () => child.stdout.destroy())
        child.on('close', (code) => done({ code, err }))
      })
      expect(result.err).not.toMatch(/EPIPE|Error:/)
      expect(result.code).toBe(0)
      // The migrations all ran to the end though nobody read their lines.
      expect((await tables()).filter((t) => t.startsWith('T'))).toHaveLength(50)
    })
})
