import { resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ensureGalera } from '../support/topology.js'
import { mysqlCatalog } from '../dialects/mysql/catalog.js'
import { migrateInChild } from '../scenarios/processes.js'

const CHILD = resolve('test/support/topology-child.mjs')
const MODELS = 30

/** Ten migrators spread over the three nodes of a MariaDB Galera cluster, each test in its own database. */
describe('MariaDB Galera cluster, migrators spread over three nodes', () => {
  let urls: string[]
  let nodes: mysql.Connection[] = []
  let database: string
  const raw = (node: number) => async (sql: string, params?: unknown[]) => {
    const [rows] = await nodes[node]!.query(sql, params)
    return Array.isArray(rows) ? (rows as Record<string, any>[]) : []
  }

  beforeAll(async () => {
    urls = await ensureGalera()
    nodes = await Promise.all(urls.map((uri) => mysql.createConnection({ uri })))
    // Causal reads: each node answers only after applying what the cluster ordered before.
    for (const n of nodes) await n.query('SET SESSION wsrep_sync_wait = 1')
  }, 400_000)
  afterAll(async () => {
    for (const n of nodes) await n.end()
  })
  beforeEach(async () => {
    database = `t_${randomBytes(5).toString('hex')}`
    await raw(0)(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  })
  afterEach(async () => {
    await raw(0)(`DROP DATABASE \`${database}\``)
  })

  /** The schema as each node's information_schema has it: columns, indexes and foreign keys. */
  const schemaOn = async (node: number) => {
    const q = raw(node)
    return {
      columns: await q(
        `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
        [database],
      ),
      indexes: await q(
        `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
        [database],
      ),
      foreignKeys: await q(
        `SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
          WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
        [database],
      ),
    }
  }

  const expectNodesAgree = async () => {
    const first = await schemaOn(0)
    expect(first.columns.length).toBeGreaterThan(0)
    for (let node = 1; node < urls.length; node++) expect(await schemaOn(node)).toEqual(first)
  }

  const tenMigrators = async (round: 'create' | 'alter') => {
    const children = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        migrateInChild({ connector: 'mysql', url: `${urls[i % urls.length]}/${database}`, max: 4 }, { CHILD_ROUND: round, CHILD_MODELS: String(MODELS) }, CHILD),
      ),
    )
    for (const c of children) {
      expect(c.result?.error).toBeUndefined()
      expect(c.stderr).toBe('')
      expect(c.code).toBe(0)
    }
    expect(children.filter((c) => c.result?.executed)).toHaveLength(1)
    expect(children.filter((c) => c.result?.changes === 0)).toHaveLength(9)
  }

  it('ten migrators, 30 FK-linked models, then a column and an index on each with rows: one applies, every node ends identical', async () => {
    await tenMigrators('create')
    const catalog = mysqlCatalog(raw(1), database)
    expect((await catalog.tables()).filter((t) => /^M\d+$/.test(t))).toHaveLength(MODELS)
    for (let i = 1; i <= MODELS; i++) {
      expect(await catalog.foreignKeys(`M${i}`)).toHaveLength(i > 1 ? 1 : 0)
      await raw(i % 3)(`INSERT INTO \`${database}\`.\`M${i}\` (title${i > 1 ? ', parentId' : ''}) VALUES (?${i > 1 ? ', (SELECT MIN(id) FROM `' + database + '`.`M' + (i - 1) + '`)' : ''})`, [`row ${i}`])
    }
    await expectNodesAgree()

    await tenMigrators('alter')
    await expectNodesAgree()
    for (let node = 0; node < urls.length; node++) {
      const c = mysqlCatalog(raw(node), database)
      for (let i = 1; i <= MODELS; i++) {
        expect((await c.columns(`M${i}`)).map((x) => x.name)).toContain('note')
        expect((await c.indexes(`M${i}`)).map((x) => x.name)).toContain(`m${i}_note_idx`)
        expect((await raw(node)(`SELECT title FROM \`${database}\`.\`M${i}\``)).map((r) => r.title)).toEqual([`row ${i}`])
      }
    }
    expect(await raw(2)(`SELECT COUNT(*) AS n FROM \`${database}\`.shipshape_migration_lock`)).toEqual([{ n: 0 }])
  })

  it('a migrator killed while holding the lock: its lease expires and a migrator on another node applies the plan', async () => {
    const killed = await migrateInChild(
      { connector: 'mysql', url: `${urls[0]}/${database}` },
      { CHILD_ROUND: 'create', CHILD_MODELS: '3', CHILD_LEASE: '3000', CHILD_KILL: '1' },
      CHILD,
    )
    expect(killed.signal).toBe('SIGKILL')
    expect(await raw(1)(`SELECT COUNT(*) AS n FROM \`${database}\`.shipshape_migration_lock`)).toEqual([{ n: 1 }])
    const next = await migrateInChild({ connector: 'mysql', url: `${urls[1]}/${database}` }, { CHILD_ROUND: 'create', CHILD_MODELS: '3', CHILD_LEASE: '3000' }, CHILD)
    expect(next.result).toMatchObject({ executed: true })
    expect((await mysqlCatalog(raw(2), database).tables()).filter((t) => /^M\d+$/.test(t)).sort()).toEqual(['M1', 'M2', 'M3'])
    await expectNodesAgree()
  })
})
