import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DataSource, DefaultCrudRepository, defineModel, type ModelClass } from '../../src/index.js'
import { nextBatchSize } from '../../src/expand/backfill.js'
import { PG_URL } from '../support/backends.js'
// @ts-expect-error plain ESM shared with the child process and the bench
import { expandCases } from '../support/expand-models.mjs'

// No phase may make writers queue behind it: the backfill skips rows a writer holds (and comes
// back to them) rather than wait holding the rows it already changed; the DDL gives way to a lock
// it can't get at once rather than queue every writer behind its ACCESS EXCLUSIVE request.

const CASE = (expandCases(defineModel) as Record<'type', { v1: ModelClass; v2: ModelClass; seed(t: string): string; v1Row(i: number): object }>).type
const ROWS = 3000
const HELD = 1234
const admin = new pg.Pool({ connectionString: PG_URL, max: 3 })
const schemas: string[] = []
const q = (n: string) => `"${n.replace(/"/g, '""')}"`

afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`)
  await admin.end()
})

async function until(what: string, isTrue: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms
  while (!(await isTrue())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function setup(rows: number) {
  const schema = `expl_${randomBytes(4).toString('hex')}`
  schemas.push(schema, `${schema}_v1`, `${schema}_v2`)
  await admin.query(`CREATE SCHEMA ${q(schema)}`)
  const base = { connector: 'postgresql', url: PG_URL, schema }
  const setup = new DataSource({ ...base, models: [CASE.v1] })
  await setup.autoupdate()
  await setup.disconnect()
  const t = `${q(schema)}."Customer"`
  await admin.query(CASE.seed(t), [rows])
  return { schema, base, t }
}

describe('expand phases and locks (PostgreSQL)', () => {
  it('an expand that cannot get its table lock gives way, changes nothing, and writes go on meanwhile', async () => {
    const { schema, base, t } = await setup(100)
    const migrator = new DataSource({ ...base, models: [CASE.v2] })
    const app = new DataSource({ ...base, schemaVersion: 'v1', models: [CASE.v1], max: 2 })
    const repo = new DefaultCrudRepository<any, number>(CASE.v1 as any, app)
    const reader = await admin.connect()
    try {
      // A long reader: its ACCESS SHARE lock keeps the expand's ALTER TABLE from its lock.
      await reader.query('BEGIN')
      await reader.query(`LOCK TABLE ${t} IN ACCESS SHARE MODE`)
      let writes = 0
      const expanding = migrator.expand(undefined, { ddlRetries: 3 }).then(
        () => 'done',
        (e: Error) => e.message,
      )
      let outcome: string | undefined
      void expanding.then((o) => (outcome = o))
      // Writers keep going while the expand tries: none queues for long behind a waiting ALTER.
      while (outcome === undefined) {
        await repo.create(CASE.v1Row(writes))
        writes++
      }
      expect(outcome).toMatch(/lock timeout/i)
      expect(writes).toBeGreaterThan(3)
      // The attempts rolled back whole: no column, trigger, view schema or expand record.
      const cols = (await admin.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'Customer' ORDER BY 1`, [schema])).rows
      expect(cols.map((c) => c.column_name)).toEqual(['age', 'id', 'name'])
      expect((await admin.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [`${schema}_v2`])).rows).toEqual([])
      expect((await migrator.expandStatus()).phase).toBe('none')
      await reader.query('COMMIT')
      expect((await migrator.expand()).status.phase).toBe('expanded')
    } finally {
      await reader.query('ROLLBACK').catch(() => {})
      reader.release()
      await migrator.disconnect()
      await app.disconnect()
    }
  })

  it('passes a row a writer holds, finishes every other row meanwhile, and fills the held row once it is released', async () => {
    const { base, t } = await setup(ROWS)
    const migrator = new DataSource({ ...base, models: [CASE.v2] })
    const unfilled = async () =>
      (await admin.query(`SELECT id FROM ${t} WHERE "_shipshape_new_age" IS NULL AND age IS NOT NULL ORDER BY id`)).rows.map((r) => Number(r.id))
    const holder = await admin.connect()
    try {
      await migrator.expand(undefined, { backfill: false })
      // A v1 writer's transaction holds one row for as long as it likes.
      await holder.query('BEGIN')
      await holder.query(`SELECT id FROM ${t} WHERE id = $1 FOR UPDATE`, [HELD])
      let walked = 0
      const running = migrator.expand(undefined, { batchSize: 200, throttleMs: 0, onProgress: (p) => (walked = p.rowsDone) })
      // Every key range is walked and every other row filled while the row is still held.
      await until('the backfill to walk every range', () => walked >= ROWS)
      await until('every row but the held one to be filled', async () => (await unfilled()).join() === String(HELD))
      const mid = await migrator.expandStatus()
      expect(mid.phase).toBe('backfilling')
      expect(mid.backfill[0]!.retryKeys).toEqual([String(HELD)])
      await holder.query('COMMIT')
      await running
      const end = await migrator.expandStatus()
      expect(end.phase).toBe('expanded')
      expect(end.backfill[0]!.retryKeys).toBeUndefined()
      expect(await unfilled()).toEqual([])
      expect((await admin.query(`SELECT "_shipshape_new_age" AS a FROM ${t} WHERE id = $1`, [HELD])).rows[0].a).toBe(HELD % 90)
    } finally {
      await holder.query('ROLLBACK').catch(() => {})
      holder.release()
      await migrator.disconnect()
    }
  })

  it('sizes batches to take about batchMs, within 50 rows and batchSize', () => {
    const s = { batchSize: 1000, batchMs: 20 }
    expect(nextBatchSize(1000, 80, s)).toBe(250)
    expect(nextBatchSize(100, 1000, s)).toBe(50)
    expect(nextBatchSize(100, 5, s)).toBe(150)
    expect(nextBatchSize(800, 2, s)).toBe(1000)
    expect(nextBatchSize(300, 15, s)).toBe(300)
  })
})
