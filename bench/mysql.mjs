// MySQL / MariaDB figures for `npm run bench`: introspection round trips and time, fresh
// auto-migrate beside the same DDL sent statement by statement through raw mysql2, and a
// no-op auto-update, for N generated models (the models of bench/schema.mjs); then the
// repository beside raw mysql2 doing the same work (as bench/repository.mjs does on PostgreSQL).
// Run alone: node bench/mysql.mjs [mysql://root@127.0.0.1:3306]
import { pathToFileURL } from 'node:url'
import mysql from 'mysql2/promise'
import { CountingConnection, DataSource, DefaultCrudRepository, mysqlDialect } from '../dist/index.js'
import { MysqlPoolConnection } from '../dist/dialects/mysql/connection.js'
import { generateModels } from './schema.mjs'

import { BenchTodo, benchColumns, benchRow } from './todo-model.mjs'
import { best, compareWithRaw, ms, time } from './timing.mjs'

const q = (n) => `\`${n.replace(/`/g, '``')}\``

export async function benchMysql({
  mysqlUrl = process.env.SHIPSHAPE_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
  sizes = [10, 100, 500],
  creates = 2_000,
  bulk = 10_000,
  finds = 1_000,
} = {}) {
  const schema = await benchMysqlSchema(mysqlUrl, sizes)
  const repository = await benchMysqlRepository(mysqlUrl, { creates, bulk, finds })
  return { ...schema, ...repository }
}

async function benchMysqlSchema(mysqlUrl, sizes) {
  const admin = await mysql.createConnection({ uri: mysqlUrl })
  const [[{ version }]] = await admin.query('SELECT VERSION() AS version')
  const rows = []
  try {
    for (const n of sizes) {
      const db = `bench_${n}_${process.pid}`
      const scriptDb = `bench_script_${n}_${process.pid}`
      for (const d of [db, scriptDb]) {
        await admin.query(`DROP DATABASE IF EXISTS ${q(d)}`)
        await admin.query(`CREATE DATABASE ${q(d)}`)
      }
      const models = generateModels(n)
      const ds = new DataSource({ connector: 'mysql', url: `${mysqlUrl}/${db}`, models })
      try {
        await ds.connection()

        // Fresh auto-migrate, versus the very same statements sent one by one through mysql2
        // (DDL can't be batched in a transaction here, so this is the floor).
        const [migrateMs, result] = await time(() => ds.automigrate())
        const statements = result.plan.changes.flatMap((c) =>
          c.statements.filter((s) => s.combinedInto === undefined).map((s) => s.sql.replaceAll(q(db), q(scriptDb))),
        )
        const raw = await mysql.createConnection({ uri: `${mysqlUrl}/${scriptDb}` })
        const [scriptMs] = await time(async () => {
          for (const sql of statements) await raw.query(sql)
        })
        await raw.end()

        // Introspection alone, counting round trips.
        const conn = new MysqlPoolConnection({ url: `${mysqlUrl}/${db}`, max: 1 })
        const counting = new CountingConnection(conn)
        const refs = models.map((m) => ({ schema: db, name: m.definition.name }))
        await mysqlDialect.introspect(counting, refs) // warm
        counting.count = 0
        const [introspectMs, found] = await best(3, () => mysqlDialect.introspect(counting, refs))
        if (found.tables.length !== n) throw new Error(`introspection found ${found.tables.length} of ${n} tables`)
        const queries = counting.count / 3
        await conn.close()

        // No-op auto-update: lock, introspect, diff, nothing to execute.
        await ds.autoupdate()
        const [noopMs, noop] = await best(3, () => ds.autoupdate())
        if (noop.plan.changes.length) throw new Error(`no-op auto-update planned ${noop.plan.changes.length} changes`)

        rows.push({
          models: n,
          introspect_queries: queries,
          introspect_ms: ms(introspectMs),
          automigrate_ms: ms(migrateMs),
          statements: statements.length,
          plain_statements_ms: ms(scriptMs),
          automigrate_vs_plain: Number((migrateMs / scriptMs).toFixed(2)),
          noop_autoupdate_ms: ms(noopMs),
        })
      } finally {
        await ds.disconnect()
        for (const d of [db, scriptDb]) await admin.query(`DROP DATABASE IF EXISTS ${q(d)}`)
      }
    }
  } finally {
    await admin.end()
  }
  return { [`Schema engine on ${version} (time in ms; best of 3 for introspection and no-op)`]: rows }
}

const Todo = BenchTodo
const row = benchRow
const COLS = benchColumns((c) => `\`${c}\``)

async function benchMysqlRepository(mysqlUrl, { creates, bulk, finds }) {
  const db = `bench_repo_${process.pid}`
  const admin = await mysql.createConnection({ uri: mysqlUrl })
  await admin.query(`DROP DATABASE IF EXISTS ${q(db)}`)
  await admin.query(`CREATE DATABASE ${q(db)}`)
  const ds = new DataSource({ name: 'bench', connector: 'mysql', url: `${mysqlUrl}/${db}`, models: [Todo], max: 4 })
  const raw = mysql.createPool({ uri: `${mysqlUrl}/${db}`, connectionLimit: 4, timezone: 'Z' })
  const table = `${q(db)}.\`BenchTodo\``
  const rows = []
  try {
    await ds.automigrate()
    const repo = new DefaultCrudRepository(Todo, ds)
    // The row is given whole: the raw side gets the id from insertId, the repository one round trip too.
    const insertSql = `INSERT INTO ${table} (\`title\`, \`desc\`, \`isComplete\`, \`estimate\`, \`createdAt\`) VALUES (?, ?, ?, ?, ?)`
    const rawCreate = async (r) => {
      const [res] = await raw.query(insertSql, [r.title, r.desc, r.isComplete, r.estimate, r.createdAt])
      return { ...r, id: res.insertId }
    }
    const findSql = `SELECT ${COLS} FROM ${table} WHERE (\`isComplete\` = ? AND \`estimate\` > ?) ORDER BY \`id\` LIMIT ?`
    const rawFind = async (i) => {
      const [found] = await raw.query(findSql, [false, i % 100, 10])
      return found.map((r) => ({ ...r, isComplete: r.isComplete === 1 }))
    }
    const repoFind = (i) => repo.find({ where: { isComplete: false, estimate: { gt: i % 100 } }, order: 'id', limit: 10 })
    // Both sides send the same multi-row INSERTs (as many rows as 65,535 bound values allow) in
    // one transaction and learn every generated id: MariaDB 10.5+ with RETURNING, otherwise from
    // insertId and the ids following it (which the repository relies on only in InnoDB's autoinc
    // lock modes 0 and 1; it inserts row by row in mode 2, MySQL 8's default).
    const [[server]] = await raw.query('SELECT VERSION() AS v')
    const [major, minor] = server.v.split('.').map(Number)
    const hasReturning = /mariadb/i.test(server.v) && (major > 10 || (major === 10 && minor >= 5))
    const perInsert = Math.floor(65_535 / 5)
    const rawCreateAll = async (list) => {
      const conn = await raw.getConnection()
      const ids = []
      try {
        await conn.query('START TRANSACTION')
        for (let s = 0; s < list.length; s += perInsert) {
          const batch = list.slice(s, s + perInsert)
          const [res] = await conn.query(
            `INSERT INTO ${table} (\`title\`, \`desc\`, \`isComplete\`, \`estimate\`, \`createdAt\`) VALUES ?${hasReturning ? ' RETURNING `id`' : ''}`,
            [batch.map((r) => [r.title, r.desc, r.isComplete, r.estimate, r.createdAt])],
          )
          if (hasReturning) for (const r of res) ids.push(r.id)
          else for (let k = 0; k < batch.length; k++) ids.push(res.insertId + k)
        }
        await conn.query('COMMIT')
      } finally {
        conn.release()
      }
      return list.map((r, i) => ({ ...r, id: ids[i] }))
    }

    for (let i = 0; i < 200; i++) {
      await rawCreate(row(i))
      await repo.create(row(i))
      await rawFind(i)
      await repoFind(i)
    }
    const list = Array.from({ length: bulk }, (_, i) => row(i))
    const measure = async (name, shipshape, rawFn, rounds = 3) => rows.push(await compareWithRaw(name, shipshape, rawFn, rounds))
    await measure(
      `${creates.toLocaleString('en')} create calls`,
      async () => { for (let i = 0; i < creates; i++) await repo.create(row(i)) },
      async () => { for (let i = 0; i < creates; i++) await rawCreate(row(i)) },
      2,
    )
    await measure(`createAll of ${bulk.toLocaleString('en')} rows`, () => repo.createAll(list), () => rawCreateAll(list), 6)
    await measure(
      `${finds.toLocaleString('en')} find calls with a where clause`,
      async () => { for (let i = 0; i < finds; i++) await repoFind(i) },
      async () => { for (let i = 0; i < finds; i++) await rawFind(i) },
      5,
    )
    return { 'Repository on MySQL/MariaDB vs raw mysql2 (ratio = shipshape / raw)': rows }
  } finally {
    await ds.disconnect()
    await raw.end()
    await admin.query(`DROP DATABASE IF EXISTS ${q(db)}`)
    await admin.end()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchMysql({ mysqlUrl: process.argv[2] })
  for (const [title, table] of Object.entries(result)) {
    console.log(title)
    console.table(table)
  }
}
