import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { postgresBackend, sqliteBackend, type TestScope } from '../support/backends.js'
import { LIB, runCli, scopeAndFolderEach } from '../support/cli.js'

const run = runCli

function writeConfig(dir: string, datasource: object, titleLength: number, file = 'shipshape.config.mjs') {
  writeFileSync(
    join(dir, file),
    `import { defineModel } from ${JSON.stringify(LIB)}
const Todo = defineModel({ name: 'Todo', properties: {
  id: { type: 'number', id: true, generated: true },
  title: { type: 'string', required: true, length: ${titleLength} },
  isComplete: { type: 'boolean', default: false },
}, settings: { indexes: { todo_title_idx: { keys: { title: 1 } } } } })
export default { datasources: [${JSON.stringify(datasource)}], models: [Todo] }
`,
  )
}

describe.each([sqliteBackend, postgresBackend])('shipshape migrate (spawned) on $name', (backend) => {
  let scope: TestScope
  let dir: string
  scopeAndFolderEach(backend, (s, d) => ((scope = s), (dir = d)))

  it('dry-runs, applies, finds nothing to do, refuses data loss, applies it when allowed', async () => {
    const ds = { name: 'db', ...scope.config }
    writeConfig(dir, ds, 200)

    const dry = run(dir, ['migrate', '--dry-run'])
    expect(dry.err).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.out).toMatch(/db: auto-update, 2 change\(s\)/)
    expect(dry.out).toMatch(/\+ create table .*Todo/)
    expect(dry.out).toMatch(/CREATE TABLE/)
    expect(dry.out).toMatch(/dry run, nothing executed/)
    expect(await scope.catalog.tables()).toEqual([])

    const applied = run(dir, ['migrate'])
    expect(applied.code).toBe(0)
    expect(applied.out).toMatch(/2 change\(s\) applied/)
    expect((await scope.catalog.columns('Todo')).map((c) => c.name)).toEqual(['id', 'title', 'isComplete'])
    expect((await scope.catalog.indexes('Todo')).map((i) => i.name)).toEqual(['todo_title_idx'])
    await scope.insert('Todo', { title: 'keep me' })

    const again = run(dir, ['migrate'])
    expect(again.code).toBe(0)
    expect(again.out).toMatch(/db: up to date/)
    expect(again.out).toMatch(/Nothing to do/)

    expect(run(dir, ['migrate', '--check']).code).toBe(0)

    writeConfig(dir, ds, 20)
    // The change would be refused: a dry run or check says so with exit 3; allowed, it is drift (7).
    const check = run(dir, ['migrate', '--check'])
    expect(check.code).toBe(3)
    expect(check.out).toMatch(/\[destructive\]/)
    expect(run(dir, ['migrate', '--check', '--allow-data-loss']).code).toBe(7)
    const refused = run(dir, ['migrate'])
    expect(refused.code).toBe(3)
    expect(refused.err).toMatch(/model "Todo" property "title" column ".*Todo\.title": converting varchar\(200\) to varchar\(20\)/)
    expect(refused.err).toMatch(/--allow-data-loss/)

    const json = run(dir, ['migrate', '--dry-run', '--json'])
    expect(json.code).toBe(3)
    const parsed = JSON.parse(json.out)
    expect(parsed.refused).toMatchObject({ code: 'PLAN_REFUSED', rule: 'data-loss' })
    expect(parsed.datasources[0].plan.changes[0].risk).toBe('destructive')
    expect(parsed.datasources[0].executed).toBe(false)

    // Destructive work needs a yes: without a terminal, --yes; nothing is changed until then.
    const unconfirmed = run(dir, ['migrate', '--allow-data-loss'])
    expect(unconfirmed.code).toBe(3)
    expect(unconfirmed.err).toMatch(/migrate --allow-data-loss would lose data:\n  - db: .*title.*\n.*--yes/)
    expect((await scope.catalog.columns('Todo')).find((c) => c.name === 'title')!.type).toMatch(/200/)
    const allowed = run(dir, ['migrate', '--allow-data-loss', '--yes'])
    expect(allowed.code).toBe(0)
    expect((await scope.rows('Todo', 'id')).map((r) => r.title)).toEqual(['keep me'])

    const refusedRebuild = run(dir, ['migrate', '--rebuild', '--json'])
    expect(refusedRebuild.code).toBe(3)
    expect(JSON.parse(refusedRebuild.out).error).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      losses: [{ datasource: 'db', what: expect.stringMatching(/drop table .*Todo/), rows: 1 }],
    })
    expect(await scope.rows('Todo', 'id')).toHaveLength(1)
    const rebuilt = run(dir, ['migrate', '--rebuild', '-y'])
    expect(rebuilt.code).toBe(0)
    expect(await scope.rows('Todo', 'id')).toEqual([])
    // Empty tables: still dropped, so still asked.
    expect(run(dir, ['migrate', '--rebuild']).code).toBe(3)
  }, 180_000) // a dozen spawned CLI runs: generous on a loaded machine
})

describe('shipshape migrate with a TypeScript config', () => {
  it('loads shipshape.config.ts (typed, outside any ESM package) and migrates', async () => {
    const scope = await sqliteBackend.create()
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-cli-ts-'))
    try {
      writeFileSync(
        join(dir, 'shipshape.config.ts'),
        `import { defineModel, type ShipshapeConfig } from ${JSON.stringify(LIB)}
const Note = defineModel({ name: 'Note', properties: { id: { type: 'number', id: true, generated: true }, body: { type: 'string' } } })
const config: ShipshapeConfig = { datasources: [${JSON.stringify({ name: 'db', ...scope.config })}], models: [Note] }
export default config
`,
      )
      const r = run(dir, ['migrate'])
      expect(r.err).toBe('')
      expect(r.code).toBe(0)
      expect((await scope.catalog.columns('Note')).map((c) => c.name)).toEqual(['id', 'body'])
    } finally {
      await scope.dispose()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('shipshape migrate errors', () => {
  it('exits 2 without a config file, 4 when the database is unreachable (password redacted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-cli-'))
    try {
      const none = run(dir, ['migrate'])
      expect(none.code).toBe(2)
      expect(none.err).toMatch(/No shipshape\.config/)
      writeConfig(dir, { name: 'db', connector: 'postgresql', url: 'postgres://app:hunter2@127.0.0.1:1/x' }, 10, 'alt.config.mjs')
      const down = run(dir, ['migrate', '--config', 'alt.config.mjs'])
      expect(down.code).toBe(4)
      expect(down.err).toMatch(/postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/x/)
      expect(down.err + down.out).not.toMatch(/hunter2/)
      const usage = run(dir, ['migrate', '--no-such-flag'])
      expect(usage.code).toBe(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
