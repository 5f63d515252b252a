import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { PG_URL, MYSQL_URL } from '../support/backends.js'

const CLI = resolve('dist/cli/main.js')
const LIB = pathToFileURL(resolve('dist/index.js')).href
const MODELS = pathToFileURL(resolve('test/support/expand-models.mjs')).href
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 })
const dirs: string[] = []
const schemas: string[] = []

afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
  await admin.end()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function run(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

function project(datasource: object, version: 'v1' | 'v2') {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-expand-'))
  dirs.push(dir)
  writeFileSync(
    join(dir, 'shipshape.config.mjs'),
    `import { DataSource, defineModel } from ${JSON.stringify(LIB)}
import { expandCases } from ${JSON.stringify(MODELS)}
export default { datasources: [new DataSource({ ...${JSON.stringify(datasource)}, models: [expandCases(defineModel).type.${version}] })] }
`,
  )
  return dir
}

describe('shipshape expand (spawned)', () => {
  it('migrate --expand, --expand-status, expand contract on PostgreSQL', async () => {
    const schema = `expcli_${randomBytes(4).toString('hex')}`
    schemas.push(schema, `${schema}_v1`, `${schema}_v2`)
    await admin.query(`CREATE SCHEMA "${schema}"`)
    const ds = { name: 'db', connector: 'postgresql', url: PG_URL, schema }
    expect(run(project(ds, 'v1'), ['migrate']).code).toBe(0)
    await admin.query(`INSERT INTO "${schema}"."Customer" (name, age) SELECT 'n' || g, g::text FROM generate_series(1, 500) g`)
    const dir = project(ds, 'v2')

    const dry = run(dir, ['expand', '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.out).toMatch(/Customer\.age → age: new column beside the old/)
    expect(dry.out).toMatch(/CREATE TRIGGER/)

    const expanded = run(dir, ['migrate', '--expand', '--to', 'v2'])
    expect(expanded.err).toBe('')
    expect(expanded.code).toBe(0)
    expect(expanded.out).toMatch(/db: v1 → v2, expanded/)
    expect(expanded.out).toMatch(/backfill .*Customer: 500\/500 rows, done/)

    const status = run(dir, ['expand', 'status', '--json'])
    expect(status.code).toBe(0)
    const json = JSON.parse(status.out)
    expect(json[0].status.phase).toBe('expanded')
    expect(json[0].status.exposedVersions.map((v: { schema: string }) => v.schema)).toEqual([`${schema}_v1`, `${schema}_v2`])
    expect(run(dir, ['migrate', '--expand-status']).out).toMatch(/versions exposed: v1 \(schema .*_v1\), v2/)

    // A plain `migrate` meanwhile (an operator, an app's migrate script) leaves the table to the expand.
    const held = run(dir, ['migrate'])
    expect(held.code).toBe(0)
    expect(held.out).toMatch(/db: held by an expand in flight/)
    expect(held.out).toMatch(/table ".*Customer" is left to the expand from v1 to v2 in flight/)
    expect(run(dir, ['migrate', '--check']).code).toBe(7)
    const dropping = run(dir, ['migrate', '--rebuild', '--yes'])
    expect(dropping.code).toBe(3)
    expect(dropping.err).toMatch(/auto-migrate would drop and re-create it/)

    const contracted = run(dir, ['expand', 'contract'])
    expect(contracted.code).toBe(0)
    expect(contracted.out).toMatch(/db: v1 → v2, contracted/)
    const type = await admin.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'age'`, [`"${schema}"."Customer"`])
    expect(type.rows[0].t).toBe('integer')
    expect(run(dir, ['migrate', '--check']).code).toBe(0)
  })

  it('a new version deployed with schemaVersion before expand ran: its migrate refuses the breaking change (exit 3), then expand lets it through', async () => {
    const schema = `expcli_${randomBytes(4).toString('hex')}`
    schemas.push(schema, `${schema}_v1`, `${schema}_v2`)
    await admin.query(`CREATE SCHEMA "${schema}"`)
    const ds = { name: 'db', connector: 'postgresql', url: PG_URL, schema }
    expect(run(project(ds, 'v1'), ['migrate']).code).toBe(0)
    const v2 = project({ ...ds, schemaVersion: 'v2' }, 'v2')
    const refused = run(v2, ['migrate'])
    expect(refused.code).toBe(3)
    expect(refused.err).toMatch(/runs as schemaVersion "v2"/)
    expect(refused.err).toMatch(/Customer\.age: type text → integer/)
    const json = JSON.parse(run(v2, ['migrate', '--json']).out)
    expect(json.error.code).toBe('EXPAND_REQUIRED')
    const type = async () =>
      (await admin.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'age'`, [`"${schema}"."Customer"`])).rows[0].t
    expect(await type()).toBe('text')
    // The migrating job expands; the new version's own migrate then leaves the table to it.
    expect(run(project(ds, 'v2'), ['expand']).code).toBe(0)
    const held = run(v2, ['migrate'])
    expect(held.code).toBe(0)
    expect(held.out).toMatch(/db: held by an expand in flight/)
    expect(await type()).toBe('text')
  })

  it('refuses --expand on SQLite and MariaDB, saying so', () => {
    const sqlite = project({ name: 'lite', connector: 'sqlite', file: ':memory:' }, 'v2')
    const r = run(sqlite, ['migrate', '--expand'])
    expect(r.code).toBe(3)
    expect(r.err).toMatch(/supported on PostgreSQL only; datasource "lite" is sqlite/)
    const maria = project({ name: 'maria', connector: 'mysql', url: `${MYSQL_URL}/test` }, 'v2')
    const m = run(maria, ['expand'])
    expect(m.code).toBe(3)
    expect(m.err).toMatch(/supported on PostgreSQL only; datasource "maria" is mysql/)
  })
})
