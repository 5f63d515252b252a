// Repository figures on PostgreSQL, each beside the same work done with the raw `pg` driver in the
// same process: 10,000 create calls, one createAll of 10,000 rows, 1,000 finds with a where clause.
// Import it from the main runner, or run it alone: node bench/repository.mjs [postgres://…]
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { DataSource, DefaultCrudRepository } from '../dist/index.js'
import { BenchTodo, benchColumns, benchRow } from './todo-model.mjs'
import { compareWithRaw } from './timing.mjs'

const CREATES = 10_000
const BULK = 10_000
const FINDS = 1_000

const Todo = BenchTodo
const row = benchRow
const COLS = benchColumns((c) => `"${c}"`)

/**
 * @param {{pgUrl?: string}} options
 * @returns {Promise<Array<{name: string, shipshape_ms: number, raw_ms: number, ratio: number}>>}
 */
export async function benchRepository({ pgUrl = process.env.SHIPSHAPE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' } = {}) {
  const schema = `bench_repo_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  await admin.query(`CREATE SCHEMA "${schema}"`)
  const ds = new DataSource({ name: 'bench', connector: 'postgresql', url: pgUrl, schema, models: [Todo], max: 4 })
  const raw = new pg.Pool({ connectionString: pgUrl, max: 4 })
  const table = `"${schema}"."BenchTodo"`
  const rows = []
  try {
    await ds.automigrate()
    const repo = new DefaultCrudRepository(Todo, ds)
    const insertSql = `INSERT INTO ${table} ("title", "desc", "isComplete", "estimate", "createdAt") VALUES ($1, $2, $3, $4, $5) RETURNING ${COLS}`
    const rawCreate = (r) => raw.query(insertSql, [r.title, r.desc, r.isComplete, r.estimate, r.createdAt])
    const findSql = `SELECT ${COLS} FROM ${table} WHERE ("isComplete" = $1 AND "estimate" > $2) ORDER BY "id" LIMIT $3`
    const rawFind = (i) => raw.query(findSql, [false, i % 100, 10])
    const repoFind = (i) => repo.find({ where: { isComplete: false, estimate: { gt: i % 100 } }, order: 'id', limit: 10 })
    const rawCreateAll = async (list) => {
      const client = await raw.connect()
      try {
        await client.query('BEGIN')
        const perBatch = Math.floor(65535 / 5)
        for (let s = 0; s < list.length; s += perBatch) {
          const batch = list.slice(s, s + perBatch)
          const values = []
          const tuples = batch.map((r, k) => {
            values.push(r.title, r.desc, r.isComplete, r.estimate, r.createdAt)
            const b = k * 5
            return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`
          })
          await client.query(`INSERT INTO ${table} ("title", "desc", "isComplete", "estimate", "createdAt") VALUES ${tuples.join(', ')} RETURNING ${COLS}`, values)
        }
        await client.query('COMMIT')
      } finally {
        client.release()
      }
    }

    // Warm up both paths (connections, JIT, plan caches).
    for (let i = 0; i < 300; i++) {
      await rawCreate(row(i))
      await repo.create(row(i))
      await rawFind(i)
      await repoFind(i)
    }
    const bulk = Array.from({ length: BULK }, (_, i) => row(i))
    await rawCreateAll(bulk.slice(0, 1000))
    await repo.createAll(bulk.slice(0, 1000))

    // Alternating rounds, best of each side: the machine is shared, so single runs are noisy.
    const measure = async (name, shipshape, rawFn, rounds = 3) => rows.push(await compareWithRaw(name, shipshape, rawFn, rounds))
    await measure(
      `${CREATES.toLocaleString('en')} create calls`,
      async () => { for (let i = 0; i < CREATES; i++) await repo.create(row(i)) },
      async () => { for (let i = 0; i < CREATES; i++) await rawCreate(row(i)) },
      2,
    )
    await measure(`createAll of ${BULK.toLocaleString('en')} rows`, () => repo.createAll(bulk), () => rawCreateAll(bulk))
    await measure(
      `${FINDS.toLocaleString('en')} find calls with a where clause`,
      async () => { for (let i = 0; i < FINDS; i++) await repoFind(i) },
      async () => { for (let i = 0; i < FINDS; i++) await rawFind(i) },
      5,
    )
    return rows
  } finally {
    await ds.disconnect()
    await raw.end()
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`)
    await admin.end()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchRepository({ pgUrl: process.argv[2] })
  console.table(rows)
}
