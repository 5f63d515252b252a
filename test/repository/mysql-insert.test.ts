import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CountingConnection, DataSource, DefaultCrudRepository, defineModel, mysqlDialect, registerConnector, type DmlAdapter } from '../../src/index.js'
import { getConnector } from '../../src/datasource/connectors.js'
import { detectMysqlServer, mysqlServerCapabilities, type MysqlServer } from '../../src/dialects/mysql/connection.js'
import { mysqlBackend, type TestScope } from '../support/backends.js'
import { itemModel, type Item } from './models.js'

describe('MySQL insert capabilities read from the server', () => {
  const server = (version: string, mode?: number, inc = 1): MysqlServer => ({
    version,
    isMariadb: /mariadb/i.test(version),
    ...(mode !== undefined ? { autoincLockMode: mode } : {}),
    autoIncrementIncrement: inc,
    maxAllowedPacket: 16 << 20,
  })

  it('RETURNING on MariaDB 10.5 and later only; consecutive ids only in lock modes 0 and 1', () => {
    expect(mysqlServerCapabilities(server('10.11.6-MariaDB', 1))).toEqual({ supportsReturning: true, insertIdStep: 1, maxStatementBytes: 16 << 20 })
    expect(mysqlServerCapabilities(server('10.4.32-MariaDB-log', 2))).toEqual({ supportsReturning: false, maxStatementBytes: 16 << 20 })
    expect(mysqlServerCapabilities(server('8.0.36', 2))).toEqual({ supportsReturning: false, maxStatementBytes: 16 << 20 })
    expect(mysqlServerCapabilities(server('8.0.36', 1, 2))).toMatchObject({ supportsReturning: false, insertIdStep: 2 })
    expect(mysqlServerCapabilities(server('8.4.0', 0))).toMatchObject({ supportsReturning: false, insertIdStep: 1 })
    expect(mysqlServerCapabilities(server('5.7.44'))).toEqual({ supportsReturning: false, maxStatementBytes: 16 << 20 })
  })
})

/**
 * The real server (MariaDB 10.11: RETURNING, lock mode 1) and the same server seen as other
 * servers would be, so every insert path runs for real: MySQL 8 in lock mode 1 (no RETURNING,
 * consecutive ids), MySQL 8's default lock mode 2 (one row per statement), and a small
 * max_allowed_packet.
 */
const variants: Array<{ name: string; caps?: (real: Partial<DmlAdapter>) => Partial<DmlAdapter> }> = [
  { name: 'as found (MariaDB: RETURNING)' },
  { name: 'as MySQL 8, lock mode 1 (consecutive insert ids)', caps: (real) => ({ ...real, supportsReturning: false }) },
  { name: 'as MySQL 8, lock mode 2 (one row per INSERT)', caps: (real) => ({ supportsReturning: false, maxStatementBytes: real.maxStatementBytes! }) },
  { name: 'with a 70 kB max_allowed_packet', caps: (real) => ({ ...real, supportsReturning: false, maxStatementBytes: 70_000 }) },
]

describe.each(variants)('MySQL inserts $name', (variant) => {
  const Item = itemModel('InsertItem')
  const Bare = defineModel<{ id?: number; hits?: number }>({
    name: 'Bare',
    properties: { id: { type: 'number', id: true, generated: true }, hits: { type: 'number', default: 3 } },
  })
  let scope: TestScope
  let ds: DataSource
  let counting: CountingConnection
  let repo: DefaultCrudRepository<Item & InstanceType<typeof Item>, number>
  const inserts = () => counting.statements.filter((s) => s.startsWith('INSERT'))

  beforeAll(async () => {
    scope = await mysqlBackend.create()
    const base = getConnector('mysql')
    const connector = `mysql-insert-${variants.indexOf(variant)}`
    registerConnector(connector, {
      dialect: variant.caps
        ? {
            ...mysqlDialect,
            dml: {
              ...mysqlDialect.dml,
              forConnection: async (conn) => ({ ...mysqlDialect.dml, ...variant.caps!(mysqlServerCapabilities(await detectMysqlServer(conn))) }),
            },
          }
        : mysqlDialect,
      describe: base.describe,
      async connect(config) {
        counting = new CountingConnection(await base.connect(config), true)
        return counting
      },
    })
    ds = new DataSource({ ...scope.config, connector, models: [Item, Bare] })
    await ds.automigrate()
    repo = new DefaultCrudRepository(Item, ds)
    // Connected and the server read: count statements from here.
    await repo.deleteById((await repo.create({ title: 'warm-up' })).id!)
  })
  afterAll(async () => {
    await ds?.disconnect()
    await scope?.dispose()
  })

  it('createAll returns every generated id, matching the stored rows, in order', async () => {
    counting.statements.length = 0
    const rows: Item[] = Array.from({ length: 300 }, (_, i) => ({ title: `row ${i}`, desc: 'x'.repeat(500), estimate: i }))
    const made = await repo.createAll(rows)
    expect(made.map((r) => r.title)).toEqual(rows.map((r) => r.title))
    const stored = new Map((await scope.raw(`SELECT id, title, estimate FROM ${scope.table('InsertItem')}`)).map((r) => [r.id, r]))
    expect(stored.size).toBe(300)
    for (const r of made) {
      expect(stored.get(r.id)).toMatchObject({ title: r.title, estimate: r.estimate })
      expect(r.isComplete).toBe(false) // a database default, read back or returned
      expect(r.createdAt).toBeInstanceOf(Date)
    }
    const statements = inserts()
    if (variant.name.includes('lock mode 2')) expect(statements).toHaveLength(300)
    else if (variant.name.includes('max_allowed_packet')) expect(statements.length).toBeGreaterThan(4)
    else expect(statements).toHaveLength(1)
    if (variant.name.includes('RETURNING')) expect(counting.statements).toHaveLength(1)
  })

  it('create is one round trip when the server has RETURNING', async () => {
    counting.statements.length = 0
    const t = await repo.create({ title: 'one' })
    expect(t).toMatchObject({ title: 'one', isComplete: false })
    expect(typeof t.id).toBe('number')
    expect(counting.statements).toHaveLength(variant.name.includes('RETURNING') ? 1 : 2)
    expect(counting.statements[0]).toMatch(/^INSERT INTO `InsertItem` \(`title`\) VALUES \(\?\)/)
  })

  it('a row that gives no value is inserted as () VALUES ()', async () => {
    counting.statements.length = 0
    const bare = new DefaultCrudRepository(Bare, ds)
    const made = [await bare.create({}), ...(await bare.createAll([{}, {}]))]
    expect(made.map((r) => r.hits)).toEqual([3, 3, 3])
    expect(new Set(made.map((r) => r.id)).size).toBe(3)
    expect(inserts()[0]).toMatch(/^INSERT INTO `Bare` \(\) VALUES \(\)/)
    expect((await bare.find({ order: 'id' })).map((r) => r.id)).toEqual(made.map((r) => r.id))
  })

  it('createAll with explicit ids beside generated ones keeps each right', async () => {
    const made = await repo.createAll([{ id: 900_001, title: 'given' }, { title: 'generated' }, { id: 900_002, title: 'given too' }])
    expect(made.map((r) => r.id).slice(0, 1)).toEqual([900_001])
    expect(made[2]!.id).toBe(900_002)
    expect((await repo.findById(made[1]!.id!)).title).toBe('generated')
  })
})
