import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import BetterSqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const EXAMPLE = resolve('examples/todo')
const CLI = resolve('dist/cli/main.js')

/** examples/todo with versioned migrations (examples/todo/migrations), as docs/migrations.md describes. */
describe('examples/todo with a migrations folder', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  beforeAll(async () => {
    // Installed and built once by test/support/global-setup.ts.
    if (!existsSync(join(EXAMPLE, 'dist', 'index.js'))) throw new Error('examples/todo was not built by the global setup')
    dir = mkdtempSync(join(tmpdir(), 'shipshape-todo-migrations-'))
    env = { ...process.env, SQLITE_FILE: join(dir, 'todo.db'), DATABASE_URL: '', NO_COLOR: '1' }
  }, 180_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('applies the files through app.migrateSchema(), seeds, and the CLI finds the schema matching the models', async () => {
    const first = await run(process.execPath, ['dist/migrate-files.js'], { cwd: EXAMPLE, env })
    expect(first.stdout).toContain('db: 1 migration(s) applied')
    const db = new BetterSqlite(join(dir, 'todo.db'), { readonly: true })
    try {
      expect(db.prepare(`SELECT "title" FROM "Todo"`).all()).toEqual([{ title: 'welcome' }])
      expect(db.prepare(`SELECT "name" FROM "shipshape_migrations"`).all()).toHaveLength(1)
    } finally {
      db.close()
    }
    const again = await run(process.execPath, ['dist/migrate-files.js'], { cwd: EXAMPLE, env })
    expect(again.stdout).toContain('db: 0 migration(s) applied')
    const status = await run(process.execPath, [CLI, 'migration', 'status', '--check'], { cwd: EXAMPLE, env })
    expect(status.stdout).toMatch(/applied\s+\d{14}_create_todo/)
    expect(status.stdout).toContain('The schema matches the models')
  })
})
