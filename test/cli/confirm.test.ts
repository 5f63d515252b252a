import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import BetterSqlite from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const CLI = resolve('dist/cli/main.js')
const LIB = pathToFileURL(resolve('dist/index.js')).href

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`) and answers the prompt with `key` once
 * it shows; resolves with the exit code and everything the terminal showed.
 */
function onTerminal(cwd: string, args: string[], key: string): Promise<{ code: number | null; screen: string }> {
  const { CI: _ci, ...env } = process.env
  const command = `stty cols 120 rows 40; exec ${[process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ')}`
  const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] })
  let screen = ''
  let answered = false
  const collect = (b: Buffer) => {
    screen += b.toString()
    if (!answered && /Go ahead\?|and go ahead\?/.test(screen)) {
      answered = true
      child.stdin.write(key)
    }
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  return new Promise((done) => child.on('close', (code) => done({ code, screen })))
}

describe('confirmation before destructive work, on a terminal', () => {
  let dir: string
  const rows = () => {
    const db = new BetterSqlite(join(dir, 'app.db'), { readonly: true })
    try {
      return (db.prepare(`SELECT count(*) AS n FROM "Todo"`).get() as { n: number }).n
    } finally {
      db.close()
    }
  }
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shipshape-confirm-'))
    writeFileSync(
      join(dir, 'shipshape.config.mjs'),
      `import { defineModel } from ${JSON.stringify(LIB)}
const Todo = defineModel({ name: 'Todo', properties: { id: { type: 'number', id: true, generated: true }, title: { type: 'string' } } })
export default { datasources: [{ name: 'db', connector: 'sqlite', file: 'app.db' }], models: [Todo] }
`,
    )
    const db = new BetterSqlite(join(dir, 'app.db'))
    db.exec(`CREATE TABLE "Todo" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" TEXT); INSERT INTO "Todo" ("title") VALUES ('a'), ('b')`)
    db.close()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('migrate --rebuild shows the table and its rows; "n" changes nothing, "y" goes ahead', async () => {
    const no = await onTerminal(dir, ['migrate', '--rebuild'], 'n')
    expect(no.screen).toContain('migrate --rebuild would lose data:')
    expect(no.screen).toMatch(/db: drop table Todo \(2 rows\)/)
    expect(no.screen).toContain('not confirmed. Nothing was changed.')
    expect(no.code).toBe(3)
    expect(rows()).toBe(2)

    const yes = await onTerminal(dir, ['migrate', '--rebuild'], 'y')
    expect(yes.code).toBe(0)
    expect(yes.screen).toMatch(/change\(s\) applied/)
    expect(rows()).toBe(0)
  })
})
