import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import BetterSqlite from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresLockKey } from '../../src/dialects/postgres/lock-key.js'
import { PG_URL } from '../support/backends.js'

const CLI = resolve('dist/cli/main.js')
const LIB = pathToFileURL(resolve('dist/index.js')).href

function run(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    get lines() {
      return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    },
  }
}

/** A config with `tables` models of a few columns each, an index and a foreign key to the one before. */
function writeConfig(dir: string, tables: number, extraColumn = false) {
  writeFileSync(
    join(dir, 'shipshape.config.mjs'),
    `import { defineModel } from ${JSON.stringify(LIB)}
const models = Array.from({ length: ${tables} }, (_, i) => defineModel({ name: 'M' + i, properties: {
  id: { type: 'number', id: true, generated: true },
  title: { type: 'string', required: true, length: 80 },
  ${extraColumn ? "priority: { type: 'number' }," : ''}
  ...(i ? { parentId: { type: 'number' } } : {}),
}, settings: { indexes: { ['m' + i + '_title_idx']: { keys: { title: 1 } } },
  ...(i ? { foreignKeys: { ['m' + i + '_parent_fk']: { name: 'm' + i + '_parent_fk', entity: 'M' + (i - 1), entityKey: 'id', foreignKey: 'parentId' } } } : {}) } }))
export default { datasources: [{ name: 'db', connector: 'postgresql', url: ${JSON.stringify(PG_URL)} }], models }
`,
  )
}

describe('shipshape fleet (spawned)', () => {
  let dir: string
  const prefix = `fleetcli_${randomBytes(4).toString('hex')}_`
  const schemas = Array.from({ length: 8 }, (_, i) => `${prefix}${i}`)
  const admin = new pg.Client({ connectionString: PG_URL })
  const tableCounts = async () =>
    (
      await admin.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM information_schema.tables t WHERE t.table_schema = s)::int AS n FROM unnest($1::text[]) s`,
        [schemas],
      )
    ).rows.map((r) => r.n)
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shipshape-fleet-cli-'))
    await admin.connect()
    for (const s of schemas) await admin.query(`CREATE SCHEMA "${s}"`)
  })
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a run killed with SIGKILL leaves every tenant old or new, and a rerun finishes it', async () => {
    writeConfig(dir, 30)
    const child = spawn(process.execPath, [CLI, 'fleet', 'migrate', '--schemas', `${prefix}*`, '--json', '--concurrency', '2'], { cwd: dir })
    let seen = 0
    await new Promise<void>((done) => {
      child.stdout.on('data', (b: Buffer) => {
        seen += b.toString().split('\n').filter(Boolean).length
        if (seen >= 2 && child.exitCode === null) child.kill('SIGKILL')
      })
      child.on('exit', () => done())
    })
    expect(seen).toBeGreaterThanOrEqual(2)
    const counts = await tableCounts()
    // Each tenant's plan is one transaction: all 30 tables or none.
    for (const n of counts) expect([0, 30]).toContain(n)
    expect(counts.filter((n) => n === 30).length).toBeLessThan(8)

    const rerun = run(dir, ['fleet', 'migrate', '--schemas', `${prefix}*`, '--json'])
    expect(rerun.code).toBe(0)
    const summary = rerun.lines.at(-1)
    expect(summary.totals).toMatchObject({ targets: 8, failed: 0, applied: counts.filter((n) => n === 0).length })
    expect(await tableCounts()).toEqual(schemas.map(() => 30))

    const status = run(dir, ['fleet', 'status', '--schemas', `${prefix}*`, '--json'])
    expect(status.code).toBe(0)
    expect(status.lines.at(-1).totals).toMatchObject({ targets: 8, actual: 8 })
  })

  it('status says which tenants are pending; migrate exits 1 naming the failed tenant and why', async () => {
    writeConfig(dir, 30, true)
    const status = run(dir, ['fleet', 'status', '--schemas', `${prefix}*`, '--json'])
    expect(status.code).toBe(7)
    expect(status.lines.at(-1).totals).toMatchObject({ pending: 8 })

    // Tenant 3's lock is held by another session.
    const holder = new pg.Client({ connectionString: PG_URL })
    await holder.connect()
    await holder.query('SELECT pg_advisory_lock($1, $2)', postgresLockKey(schemas[3]))
    let human
    try {
      human = run(dir, ['fleet', 'migrate', '--schemas', `${prefix}*`, '--lock-timeout', '300'])
    } finally {
      await holder.end()
    }
    expect(human.code).toBe(1)
    expect(human.out).toContain(`✖ ${schemas[3]}: Another process has held the migration lock`)
    expect(human.out).toMatch(/8 tenant\(s\) in \d+ ms: 7 migrated, 0 already actual, 1 failed/)
    const cols = await admin.query(`SELECT table_schema FROM information_schema.columns WHERE table_name = 'M29' AND column_name = 'priority' AND table_schema = ANY($1)`, [schemas])
    expect(cols.rows).toHaveLength(7)
  })

  it('migrates SQLite files from a glob; JSON lines per tenant, then a summary', () => {
    const files = join(dir, 'tenants')
    rmSync(files, { recursive: true, force: true })
    spawnSync('mkdir', ['-p', files])
    for (let i = 0; i < 3; i++) new BetterSqlite(join(files, `t${i}.db`)).close()
    writeConfig(dir, 3)
    const r = run(dir, ['fleet', 'migrate', '--files', 'tenants/*.db', '--json'])
    expect(r.code).toBe(0)
    expect(r.lines.slice(0, 3).map((l) => l.status)).toEqual(['applied', 'applied', 'applied'])
    expect(r.lines.at(-1)).toMatchObject({ summary: true, totals: { targets: 3, applied: 3 } })
    const db = new BetterSqlite(join(files, 't1.db'), { readonly: true })
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE 'M%'`).get()).toEqual({ n: 3 })
    db.close()
    const usage = run(dir, ['fleet', 'migrate', '--json'])
    expect(usage.code).toBe(2)
    expect(usage.lines[0].error.message).toMatch(/--targets FILE, --schemas PATTERN or --files GLOB/)
  })
})
