import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { postgresBackend, sqliteBackend, type TestScope } from '../support/backends.js'
import { CLI, LIB, runCli, scopeAndFolderEach } from '../support/cli.js'

// A CI step must not pass on a misconfigured pipeline: every mistake below once printed
// "Nothing to do" (or waited forever, or crashed) and exited 0.

const run = runCli

const MODELS = `
const Todo = defineModel({ name: 'Todo', properties: {
  id: { type: 'number', id: true },
  title: { type: 'string', length: 200 },
  qty: { type: 'string' },
} })
const Tag = defineModel({ name: 'Tag', properties: { id: { type: 'number', id: true }, label: { type: 'string', length: 100 } } })
`

/** Version 2: Todo.qty becomes a number (rows hold text), Todo.title and Tag.label shrink (rows would be cut). */
const MODELS_V2 = `
const Todo = defineModel({ name: 'Todo', properties: {
  id: { type: 'number', id: true },
  title: { type: 'string', length: 3 },
  qty: { type: 'number', dataType: 'integer' },
} })
const Tag = defineModel({ name: 'Tag', properties: { id: { type: 'number', id: true }, label: { type: 'string', length: 2 } } })
`

function writeConfig(dir: string, datasource: object, body: string, exportsText: string) {
  writeFileSync(
    join(dir, 'shipshape.config.mjs'),
    `import { defineModel } from ${JSON.stringify(LIB)}\n${body}\nexport default { datasources: [${JSON.stringify(datasource)}], ${exportsText} }\n`,
  )
}

describe.each([sqliteBackend, postgresBackend])('CLI false greens on $name', (backend) => {
  let scope: TestScope
  let dir: string
  scopeAndFolderEach(backend, (s, d) => ((scope = s), (dir = d)))

  it('unknown --models, no models, a `model:` typo and non-numeric options exit 2 naming the problem', async () => {
    const ds = { name: 'db', ...scope.config }
    writeConfig(dir, ds, MODELS, 'models: [Todo, Tag]')
    const nope = run(dir, ['migrate', '--models', 'Todo,Nope', '--check'])
    expect(nope.code).toBe(2)
    expect(nope.err).toMatch(/Unknown model "Nope".*Known models: Tag, Todo/)
    expect(await scope.catalog.tables()).toEqual([])

    for (const [args, option] of [
      [['migrate', '--lock-timeout', 'abc'], '--lock-timeout'],
      [['migrate', '--lock-timeout', '-5'], '--lock-timeout'],
      [['migration', 'down', '--steps', 'two'], '--steps'],
      [['migration', 'up', '--lock-timeout', '1e3x'], '--lock-timeout'],
    ] as const) {
      const r = run(dir, [...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.err).toContain(option)
    }

    writeConfig(dir, ds, MODELS, 'model: [Todo, Tag]')
    const typo = run(dir, ['migrate', '--check'])
    expect(typo.code).toBe(2)
    expect(typo.err).toMatch(/no models.*"model", which Shipshape doesn't read/s)

    writeConfig(dir, ds, '', 'models: []')
    const none = run(dir, ['migrate', '--json'])
    expect(none.code).toBe(2)
    expect(JSON.parse(none.out).error.code).toBe('INVALID_CONFIG')
  })

  it('dry run and check exit 3 when a change would be refused; every refusal listed at once, by model', async () => {
    const ds = { name: 'db', ...scope.config }
    writeConfig(dir, ds, MODELS, 'models: [Todo, Tag]')
    expect(run(dir, ['migrate']).code).toBe(0)
    await scope.insert('Todo', { id: 1, title: 'a long title', qty: 'twelve' })
    await scope.insert('Tag', { id: 1, label: 'much too long' })
    writeConfig(dir, ds, MODELS_V2, 'models: [Todo, Tag]')

    for (const flag of ['--dry-run', '--check']) {
      const r = run(dir, ['migrate', flag])
      expect(r.code, flag).toBe(3)
      expect(r.out).toMatch(/Todo/)
      expect(r.err).toMatch(/refused: the plan would fail on the rows already there and lose data/)
      // Both models, both kinds of refusal, in one run.
      expect(r.err).toMatch(/Model "Todo":[\s\S]*\[would fail\][\s\S]*qty[\s\S]*Model "Tag":[\s\S]*label/)
      expect(r.err).toMatch(/\[data loss\].*title/)
    }
    const json = run(dir, ['migrate', '--dry-run', '--json'])
    expect(json.code).toBe(3)
    const out = JSON.parse(json.out)
    expect(out.refused.code).toBe('PLAN_REFUSED')
    expect(out.refused.reasons.length).toBeGreaterThanOrEqual(3)

    const real = run(dir, ['migrate'])
    expect(real.code).toBe(3)
    expect(real.err).toMatch(/Model "Todo":[\s\S]*Model "Tag":/)
    expect((await scope.rows('Tag', 'id'))[0].label).toBe('much too long')
  })
})

describe('output into a closed pipe', () => {
  it('`migrate --dry-run --json | head -c 100` ends quietly, exit 0, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-cli-'))
    try {
      writeConfig(
        dir,
        { name: 'db', connector: 'sqlite', file: join(dir, 'db.sqlite') },
        `const models = Array.from({ length: 150 }, (_, i) => defineModel({ name: 'Model' + i, properties: {
  id: { type: 'number', id: true }, title: { type: 'string', length: 200, index: true }, body: { type: 'string' }, at: { type: 'date' } } }))`,
        'models',
      )
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" migrate --dry-run --json 2>err.txt | head -c 100 >/dev/null; echo "$\{PIPESTATUS[0]}"; cat err.txt`], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      })
      const [status, ...stderr] = r.stdout.trim().split('\n')
      expect(stderr.join('\n')).toBe('')
      expect(status).toBe('0')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('refusals across several datasources', () => {
  it('lists every datasource\'s refusals at once and changes none of them', async () => {
    const BetterSqlite = (await import('better-sqlite3')).default
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-cli-'))
    const config = (body: string) =>
      writeFileSync(
        join(dir, 'shipshape.config.mjs'),
        `import { DataSource, defineModel } from ${JSON.stringify(LIB)}\n${body}
export default { datasources: [
  new DataSource({ name: 'one', connector: 'sqlite', file: 'one.db', models: [Todo] }),
  new DataSource({ name: 'two', connector: 'sqlite', file: 'two.db', models: [Tag] }),
] }\n`,
      )
    try {
      config(MODELS)
      expect(run(dir, ['migrate']).code).toBe(0)
      for (const [file, sql] of [
        ['one.db', `INSERT INTO "Todo" VALUES (1, 'a long title', 'twelve')`],
        ['two.db', `INSERT INTO "Tag" VALUES (1, 'much too long')`],
      ]) {
        const db = new BetterSqlite(join(dir, file))
        db.exec(sql)
        db.close()
      }
      config(MODELS_V2)
      const r = run(dir, ['migrate'])
      expect(r.code).toBe(3)
      expect(r.err).toMatch(/one: Model "Todo":[\s\S]*two: Model "Tag":/)
      const two = new BetterSqlite(join(dir, 'two.db'), { readonly: true })
      // Both listed in one run (before, the first refusal ended the run and hid the second); neither changed.
      expect(two.prepare(`SELECT label FROM "Tag"`).get()).toEqual({ label: 'much too long' })
      two.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
