import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import BetterSqlite from 'better-sqlite3'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const CLI = resolve('dist/cli/main.js')
const SHOTS = '/tmp/shipshape-screenshots'
// Names a model (or a catalog) might hold that would run or render as markup if not escaped.
const EVIL_TABLE = '<img src=x onerror=alert(1)>'
const EVIL_COLUMN = '</text><script>alert(2)</script>'
const LITERAL_ENTITY = 'a&lt;b&gt;'

/** Debian's chromium, as the issue asks (CI installs it); a missing browser fails the test. */
function chromiumPath(): string {
  return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim()
}

describe('pictures in a real browser: the plan report and the schema diagram', () => {
  let dir: string
  let browser: Browser
  const alerts: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shipshape-pictures-'))
    mkdirSync(SHOTS, { recursive: true })
    // A database made by hand, as another tool would leave it: rows, an extra column.
    const db = new BetterSqlite(join(dir, 'app.db'))
    db.exec(`
      CREATE TABLE "TodoList" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL);
      CREATE TABLE "Todo" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL, "desc" TEXT, "legacy" TEXT,
        "todoListId" INTEGER, CONSTRAINT "fkList" FOREIGN KEY ("todoListId") REFERENCES "TodoList" ("id"));
      INSERT INTO "TodoList" ("title") VALUES ('home');
      INSERT INTO "Todo" ("title", "desc", "legacy", "todoListId") VALUES ('a', NULL, 'x', 1), ('b', NULL, 'y', 1), ('c', 'z', NULL, 1);
    `)
    db.close()
    const index = pathToFileURL(resolve('dist/index.js')).href
    writeFileSync(
      join(dir, 'shipshape.config.mjs'),
      `import { defineModel } from ${JSON.stringify(index)}
const List = defineModel({ name: 'TodoList', properties: { id: { type: 'number', id: true, generated: true }, title: { type: 'string', required: true } } })
const Todo = defineModel({ name: 'Todo', properties: {
  id: { type: 'number', id: true, generated: true }, title: { type: 'string', required: true },
  desc: { type: 'string', required: true }, isComplete: { type: 'boolean', default: false }, todoListId: { type: 'number' } },
  settings: { foreignKeys: { fkList: { entity: 'TodoList', foreignKey: 'todoListId' } } } })
const Evil = defineModel({ name: ${JSON.stringify(EVIL_TABLE)}, properties: {
  id: { type: 'number', id: true, generated: true }, ${JSON.stringify(EVIL_COLUMN)}: { type: 'string' },
  ${JSON.stringify(LITERAL_ENTITY)}: { type: 'number' }, listId: { type: 'number' } },
  settings: { foreignKeys: { fk: { entity: 'TodoList', foreignKey: 'listId' } } } })
export default { datasources: [{ name: 'db', connector: 'sqlite', file: ${JSON.stringify(join(dir, 'app.db'))} }], models: [List, Todo, Evil] }
`,
    )
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function open(file: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('dialog', (d) => {
      alerts.push(d.message())
      void d.dismiss()
    })
    await page.goto(pathToFileURL(file).href)
    return page
  }

  /** Nothing a name smuggled in became markup: no script or img element, no dialog. */
  async function expectInert(page: Page) {
    expect(await page.locator('script, img, iframe, object, embed').count()).toBe(0)
    expect(alerts).toEqual([])
  }

  it('migrate --dry-run --report: tables, risk colours, findings with row counts, SQL and before/after diagrams', async () => {
    // The plan drops a column without --allow-data-loss: the dry run shows it and exits 3 (refused).
    const { stdout, stderr, code } = await run('node', [CLI, 'migrate', '--dry-run', '--drop-removed-columns', '--report', 'plan.html'], { cwd: dir }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    )
    expect(code).toBe(3)
    expect(stdout).toMatch(/dry run/)
    expect(stderr).toMatch(/report: plan\.html/)
    // The dry run changed nothing: the catalog still has the old columns and no new table.
    const db = new BetterSqlite(join(dir, 'app.db'), { readonly: true })
    expect((db.prepare(`SELECT name FROM pragma_table_info('Todo') ORDER BY cid`).all() as Array<{ name: string }>).map((c) => c.name)).toEqual(['id', 'title', 'desc', 'legacy', 'todoListId'])
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = ?`).get(EVIL_TABLE)).toEqual({ n: 0 })
    db.close()

    const html = readFileSync(join(dir, 'plan.html'), 'utf8')
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-/)
    expect(html).not.toContain(EVIL_TABLE)
    expect(html).not.toContain(EVIL_COLUMN)

    const page = await open(join(dir, 'plan.html'))
    await expect(page.locator('h1').textContent()).resolves.toBe('Migration plan')
    // Changes grouped by table, with the hostile names shown as text.
    const tables = await page.locator('h3.table-changes').allTextContents()
    expect(tables).toEqual(expect.arrayContaining(['Todo', EVIL_TABLE]))
    const destructive = page.locator('.change[data-risk="destructive"]')
    expect(await destructive.count()).toBeGreaterThan(0)
    await expect(destructive.first().isVisible()).resolves.toBe(true)
    expect(await destructive.first().textContent()).toMatch(/legacy/)
    // Risk as colour: the badge and the change's left border are red.
    const badge = destructive.first().locator('.badge')
    expect(await badge.textContent()).toBe('destructive')
    expect(await badge.evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(e).backgroundColor)).toBe('rgb(207, 34, 46)')
    expect(await destructive.first().evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(e).borderLeftColor)).toBe('rgb(207, 34, 46)')
    const safe = page.locator('.change[data-risk="safe"] .badge').first()
    expect(await safe.evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(e).backgroundColor)).toBe('rgb(26, 127, 55)')
    // The data check: desc becomes required, and 2 of Todo's rows hold NULL.
    const finding = page.locator('.finding', { hasText: 'desc' })
    expect(await finding.textContent()).toMatch(/^Blocks the change: .*NOT NULL/)
    expect(await finding.locator('.rows').textContent()).toBe('2')
    // SQL, with the hostile column quoted as an identifier and shown as text.
    const sql = (await page.locator('pre.sql').allTextContents()).join('\n')
    expect(sql).toContain(`CREATE TABLE "${EVIL_TABLE}"`)
    expect(sql).toContain(`"${EVIL_COLUMN}" TEXT`)
    // Before/after diagrams of the touched tables: the new table only after, the dropped column only before.
    const before = page.locator('.diagram.before g.table')
    const after = page.locator('.diagram.after g.table')
    expect(await before.evaluateAll((els) => els.map((e) => e.getAttribute('data-table')))).not.toContain(EVIL_TABLE)
    expect(await after.evaluateAll((els) => els.map((e) => e.getAttribute('data-table')))).toContain(EVIL_TABLE)
    expect(await page.locator('.diagram.before g.table[data-table="Todo"] text.column[data-mark="removed"]').textContent()).toMatch(/legacy/)
    expect(await page.locator('.diagram.after g.table[data-table="Todo"] text.column[data-mark="added"]').textContent()).toMatch(/isComplete/)
    expect(await page.locator('.diagram.after g.relation').count()).toBeGreaterThanOrEqual(2)
    await expect(page.locator('.diagram.after').isVisible()).resolves.toBe(true)
    await expectInert(page)
    await page.screenshot({ path: join(SHOTS, 'plan-report.png'), fullPage: true })
    await page.close()
  }, 240_000)

  it('diagram --out schema.html (models) and --from-db: tables, relations, drift marked, names escaped', async () => {
    await run('node', [CLI, 'diagram', '--out', 'schema.html'], { cwd: dir })
    await run('node', [CLI, 'diagram', '--from-db', '--out', 'db.html'], { cwd: dir })
    const { stdout: mermaid } = await run('node', [CLI, 'diagram'], { cwd: dir })
    expect(mermaid).toMatch(/^erDiagram\n/)
    expect(mermaid).toMatch(/Todo }o--\|\| TodoList : "todoListId → id"/)
    expect(mermaid).not.toMatch(/[<>]/)

    let page = await open(join(dir, 'schema.html'))
    const names = await page.locator('g.table').evaluateAll((els) => els.map((e) => e.getAttribute('data-table')))
    expect(names.sort()).toEqual([EVIL_TABLE, 'Todo', 'TodoList'].sort())
    // Headers show the names as text (hostile ones included), with their marks.
    const headers = await page.locator('g.table > text:first-of-type').allTextContents()
    expect(headers).toEqual(expect.arrayContaining([`${EVIL_TABLE} (added)`, 'Todo (changed)', 'TodoList']))
    const evilColumns = await page.locator(`g.table[data-table="${EVIL_TABLE.replace(/"/g, '\\"')}"] text.column`).allTextContents()
    expect(evilColumns.map((c) => c.trim())).toEqual(['PK id', EVIL_COLUMN, LITERAL_ENTITY, 'FK listId'])
    expect(await page.locator('g.relation').count()).toBe(2)
    expect(await page.locator('g.table[data-table="Todo"] text.column[data-mark="added"]').textContent()).toMatch(/isComplete/)
    expect(await page.locator('.drift-note').textContent()).toMatch(/2 tables differ/)
    // The boxes were laid out: none overlaps another.
    const boxes = await page.locator('g.table > rect:first-of-type').evaluateAll((els) => els.map((e) => (e as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }).getBBox()).map((b) => ({ x: b.x, y: b.y, w: b.width, h: b.height })))
    for (const a of boxes) for (const b of boxes) if (a !== b) expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true)
    await expectInert(page)
    await page.screenshot({ path: join(SHOTS, 'diagram-models.png'), fullPage: true })
    await page.close()

    page = await open(join(dir, 'db.html'))
    expect((await page.locator('g.table').evaluateAll((els) => els.map((e) => e.getAttribute('data-table')))).sort()).toEqual(['Todo', 'TodoList'])
    expect(await page.locator('g.table[data-table="Todo"] text.column[data-mark="removed"]').textContent()).toMatch(/legacy/)
    expect(await page.locator('g.relation').count()).toBe(1)
    await expectInert(page)
    await page.screenshot({ path: join(SHOTS, 'diagram-database.png'), fullPage: true })
    await page.close()

    // migration generate --report: the generated migration's plan, as a page too.
    const gen = await run('node', [CLI, 'migration', 'generate', 'catch up', '--from-db', '--allow-data-loss', '--report', 'generated.html'], { cwd: dir })
    expect(gen.stderr).toMatch(/report: generated\.html/)
    page = await open(join(dir, 'generated.html'))
    expect(await page.locator('h3.table-changes').allTextContents()).toEqual(expect.arrayContaining(['Todo', EVIL_TABLE]))
    expect(await page.locator('.diagram.after g.table').count()).toBeGreaterThanOrEqual(2)
    await expectInert(page)
    await page.close()
  }, 240_000)
})
