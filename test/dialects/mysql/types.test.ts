import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel, mysqlDialect } from '../../../src/index.js'
import { parseMysqlDefault, parseMysqlType } from '../../../src/dialects/mysql/types.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'

const Everything = defineModel({
  name: 'Everything',
  properties: {
    id: { type: 'number', id: true, generated: true },
    name: { type: 'string' },
    code: { type: 'string', length: 20, required: true },
    body: { type: 'string', dataType: 'TEXT' },
    huge: { type: 'string', mysql: { dataType: 'LONGTEXT' } },
    amount: { type: 'number' },
    price: { type: 'number', precision: 12, scale: 2 },
    count: { type: 'number', dataType: 'INT' },
    big: { type: 'number', dataType: 'BIGINT' },
    done: { type: 'boolean', default: false },
    at: { type: 'date', defaultFn: 'now' },
    meta: { type: 'object' },
    tags: { type: 'array' },
    blob: { type: 'buffer' },
    token: { type: 'string', defaultFn: 'uuid' },
    label: { type: 'string', default: "it's \\ 'quoted'" },
    renamed: { type: 'string', mysql: { columnName: 'renamed_col', dataType: 'VARCHAR', dataLength: 40, nullable: 'N' } },
    since: { type: 'date', default: new Date('2020-01-02T03:04:05.678Z') },
  },
})

describe('MySQL type mapping', () => {
  let scope: TestScope
  let ds: DataSource
  beforeEach(async () => {
    scope = await mysqlBackend.create()
  })
  afterEach(async () => {
    await ds?.disconnect()
    await scope.dispose()
  })

  it("follows LoopBack's MySQL mapping, read back raw from information_schema", async () => {
    ds = new DataSource({ ...scope.config, models: [Everything] })
    await ds.automigrate()
    const [{ version }] = (await scope.raw('SELECT VERSION() AS version')) as [{ version: string }]
    const isMariadb = /mariadb/i.test(version)
    const rows = await scope.raw(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Everything' ORDER BY ORDINAL_POSITION`,
    )
    const col = (n: string) => rows.find((r) => r.name === n)!
    // MariaDB keeps integer display widths (int(11)); MySQL 8 dropped them.
    expect(col('id').type).toMatch(/^int(\(11\))?$/)
    expect(col('id').extra).toMatch(/auto_increment/)
    expect(col('name').type).toBe('varchar(512)')
    expect(col('code')).toMatchObject({ type: 'varchar(20)', nullable: 'NO' })
    expect(col('body').type).toBe('text')
    expect(col('huge').type).toBe('longtext')
    expect(col('amount').type).toBe('double')
    expect(col('price').type).toBe('decimal(12,2)')
    expect(col('count').type).toMatch(/^int(\(11\))?$/)
    expect(col('big').type).toMatch(/^bigint(\(20\))?$/)
    expect(col('done').type).toBe('tinyint(1)')
    expect(col('done').dflt).toBe('0')
    expect(col('at').type).toBe('datetime(3)')
    expect(col('at').dflt).toMatch(/^current_timestamp\(3\)$/i)
    expect(col('blob').type).toBe('blob')
    expect(col('token').type).toBe('varchar(512)')
    expect(col('token').dflt).toMatch(/uuid\(\)/i)
    expect(col('renamed_col')).toMatchObject({ type: 'varchar(40)', nullable: 'NO' })
    expect(col('since').dflt).toMatch(/^'?2020-01-02 03:04:05\.678'?$/)
    if (isMariadb) {
      // MariaDB's JSON is LONGTEXT with a json_valid() check named after the column.
      expect(col('meta').type).toBe('longtext')
      expect(col('label').dflt).toBe(`'it''s \\\\ ''quoted'''`)
      const checks = await scope.raw(
        `SELECT CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
         WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'Everything' ORDER BY 1`,
      )
      expect(checks).toEqual([
        { name: 'meta', clause: 'json_valid(`meta`)' },
        { name: 'tags', clause: 'json_valid(`tags`)' },
      ])
    } else {
      expect(col('meta').type).toBe('json')
      expect(col('label').dflt).toBe("it's \\ 'quoted'")
    }
    const [table] = (await scope.raw(
      `SELECT ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Everything'`,
    )) as [{ engine: string; collation: string }]
    expect(table).toEqual({ engine: 'InnoDB', collation: 'utf8mb4_unicode_ci' })

    // A generated string id is a UUID: CHAR(36), filled by the server.
    const Ticket = defineModel({ name: 'Ticket', properties: { id: { type: 'string', id: true, generated: true } } })
    await ds.automigrate([Ticket])
    expect(await scope.raw(`SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Ticket'`)).toEqual([
      { type: 'char(36)' },
    ])
    await scope.raw('INSERT INTO `Ticket` () VALUES ()')
    expect(String((await scope.rows('Ticket', 'id'))[0]!.id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/)

    // Introspection reads it all back as the neutral schema, JSON and booleans included.
    const conn = await ds.connection()
    const db = await mysqlDialect.introspect(conn, [{ name: 'Everything' }])
    const types = Object.fromEntries(db.tables[0]!.columns.map((c) => [c.name, c.type]))
    expect(types.meta).toEqual({ kind: 'json', binary: false })
    expect(types.tags).toEqual({ kind: 'json', binary: false })
    expect(types.done).toEqual({ kind: 'boolean' })
    expect(types.at).toEqual({ kind: 'timestamp', withTimeZone: false, precision: 3 })
    const defaults = Object.fromEntries(db.tables[0]!.columns.map((c) => [c.name, c.default]))
    expect(defaults.at).toEqual({ kind: 'now' })
    expect(defaults.token).toEqual({ kind: 'uuid' })
    expect(defaults.label).toEqual({ kind: 'value', value: "it's \\ 'quoted'" })
    expect(defaults.name).toBeUndefined()

    // And so the next auto-update has nothing to do.
    expect((await ds.planAutoupdate()).changes.map((c) => c.summary)).toEqual([])

    // The row round trip: a JSON document stays valid JSON; MariaDB refuses anything else.
    await scope.insert('Everything', { code: 'a', renamed_col: 'r', meta: JSON.stringify({ a: 1 }) })
    await expect(scope.insert('Everything', { code: 'b', renamed_col: 'r', meta: 'not json' })).rejects.toThrow(/json|check|constraint/i)
  })

  it('parses catalog defaults of MySQL 8 and MariaDB alike', () => {
    const maria = { isMariadb: true }
    expect(parseMysqlDefault('NULL', maria)).toBeUndefined()
    expect(parseMysqlDefault(null, maria)).toBeUndefined()
    expect(parseMysqlDefault("'NULL'", maria)).toEqual({ kind: 'value', value: 'NULL' })
    expect(parseMysqlDefault("'it''s \\\\ x'", maria)).toEqual({ kind: 'value', value: "it's \\ x" })
    expect(parseMysqlDefault('current_timestamp(3)', maria)).toEqual({ kind: 'now' })
    expect(parseMysqlDefault('uuid()', maria)).toEqual({ kind: 'uuid' })
    expect(parseMysqlDefault('1.5', maria)).toEqual({ kind: 'value', value: 1.5 })
    const mysql8 = { isMariadb: false }
    expect(parseMysqlDefault("it's", mysql8)).toEqual({ kind: 'value', value: "it's" })
    expect(parseMysqlDefault('NULL', mysql8)).toEqual({ kind: 'value', value: 'NULL' })
    expect(parseMysqlDefault('CURRENT_TIMESTAMP(3)', { isMariadb: false, isExpression: true })).toEqual({ kind: 'now' })
    expect(parseMysqlDefault("_utf8mb4\\'{}\\'", { isMariadb: false, isExpression: true })).toEqual({ kind: 'value', value: '{}' })
    expect(parseMysqlDefault('(uuid())', { isMariadb: false, isExpression: true })).toEqual({ kind: 'uuid' })
  })

  it('parses catalog types of both servers to the same neutral type', () => {
    expect(parseMysqlType('int(11)')).toEqual(parseMysqlType('int'))
    expect(parseMysqlType('tinyint(1)')).toEqual({ kind: 'boolean' })
    expect(parseMysqlType('tinyint(4)')).toEqual({ kind: 'native', sql: 'tinyint' })
    expect(parseMysqlType('bigint(20) unsigned')).toEqual(parseMysqlType('bigint unsigned'))
    expect(parseMysqlType('decimal')).toEqual({ kind: 'decimal', precision: 10, scale: 0 })
    expect(parseMysqlType('datetime(3)')).toEqual({ kind: 'timestamp', withTimeZone: false, precision: 3 })
    expect(parseMysqlType("enum('a','b''c')")).toEqual({ kind: 'native', sql: "enum('a','b''c')" })
    expect(() => parseMysqlType('int; DROP TABLE x')).toThrow()
  })
})
