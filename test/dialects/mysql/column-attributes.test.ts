import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../../src/index.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'

// A table written by hand, with a hostile name: MODIFY COLUMN restates a whole column, and
// MySQL/MariaDB forget whatever it doesn't restate. Every attribute must survive.
const PRODUCT = 'Pro`duct ✓'

const Product = defineModel({
  name: 'Product',
  properties: {
    id: { type: 'number', id: true, generated: true },
    sku: { type: 'string', length: 100, required: true },
    qty: { type: 'number', required: true, default: 0, mysql: { dataType: 'INT' } },
    updated: { type: 'date', required: true },
    secret: { type: 'string', length: 40 },
    note: { type: 'string', length: 80 },
  },
  settings: { table: PRODUCT },
})

describe('MySQL/MariaDB column changes keep what they don\'t change', () => {
  let scope: TestScope
  beforeEach(async () => {
    scope = await mysqlBackend.create()
  })
  afterEach(async () => {
    await scope.dispose()
  })

  const columns = () =>
    scope.raw(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLLATION_NAME AS coll,
              COLUMN_COMMENT AS comment, EXTRA AS extra, GENERATION_EXPRESSION AS gen
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [PRODUCT],
    )

  it('keeps collation, comment, ON UPDATE, INVISIBLE, generated columns and column CHECKs through MODIFY COLUMN', async () => {
    await scope.raw(
      `CREATE TABLE \`Pro\`\`duct ✓\` (
        id INT AUTO_INCREMENT PRIMARY KEY,
        sku VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'stock keeping unit, it''s "unique"',
        qty INT NULL CHECK (qty >= 0),
        updated DATETIME(3) NULL ON UPDATE CURRENT_TIMESTAMP(3),
        secret VARCHAR(20) NULL INVISIBLE,
        twice INT AS (qty * 2) VIRTUAL,
        note VARCHAR(40) CHARACTER SET latin1 COLLATE latin1_general_cs NULL COMMENT '✓ ünïcödé',
        CONSTRAINT positive CHECK (qty < 1000)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    )
    await scope.raw(`INSERT INTO ${scope.table(PRODUCT)} (sku, qty, updated, secret, note) VALUES ('abc', 1, '2024-01-02 03:04:05.678', 's1', 'n1'), ('ABC', 2, '2024-01-02 03:04:05.678', 's2', 'n2')`)
    const before = await columns()

    const ds = new DataSource({ ...scope.config, models: [Product] })
    const r = await ds.autoupdate()
    const altered = r.plan.changes.filter((c) => c.change.kind === 'alter-column').map((c) => (c.change as { to: { name: string } }).to.name)
    expect(altered.sort()).toEqual(['note', 'qty', 'secret', 'sku', 'updated'])

    const after = await columns()
    const col = (n: string) => after.find((c) => c.name === n)!
    expect(col('sku')).toMatchObject({ type: 'varchar(100)', nullable: 'NO', coll: 'utf8mb4_bin', comment: `stock keeping unit, it's "unique"` })
    expect(col('qty')).toMatchObject({ nullable: 'NO' })
    expect(String(col('updated').extra).toLowerCase()).toContain('on update current_timestamp(3)')
    expect(col('updated')).toMatchObject({ type: 'datetime(3)', nullable: 'NO' })
    expect(String(col('secret').extra).toUpperCase()).toContain('INVISIBLE')
    expect(col('secret')).toMatchObject({ type: 'varchar(40)' })
    expect(col('note')).toMatchObject({ type: 'varchar(80)', coll: 'latin1_general_cs', comment: '✓ ünïcödé' })
    // Untouched columns are as they were.
    expect(col('twice')).toEqual(before.find((c) => c.name === 'twice'))
    expect(col('id')).toEqual(before.find((c) => c.name === 'id'))

    // They still behave: the binary collation tells case apart, the checks reject, ON UPDATE fires.
    expect(await scope.raw(`SELECT count(*) AS n FROM ${scope.table(PRODUCT)} WHERE sku = 'abc'`)).toEqual([{ n: 1 }])
    await expect(scope.raw(`UPDATE ${scope.table(PRODUCT)} SET qty = -1 WHERE sku = 'abc'`)).rejects.toThrow(/CONSTRAINT/i)
    await scope.raw(`UPDATE ${scope.table(PRODUCT)} SET qty = 5 WHERE sku = 'abc'`)
    const [row] = await scope.raw(`SELECT twice, secret, updated FROM ${scope.table(PRODUCT)} WHERE sku = 'abc'`)
    expect(row!.twice).toBe(10)
    expect(row!.secret).toBe('s1')
    expect(new Date(row!.updated).getTime()).toBeGreaterThan(new Date('2024-01-03T00:00:00Z').getTime())

    expect((await ds.planAutoupdate()).changes).toEqual([])
    await ds.disconnect()
  })

  it('changes the type of columns a hand-made foreign key uses: the key is dropped and put back as it was', async () => {
    await scope.raw(`CREATE TABLE \`Li\`\`st\` (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50))`)
    await scope.raw(
      `CREATE TABLE \`It'em\` (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, listId INT NOT NULL,
        CONSTRAINT \`hand made "fk"\` FOREIGN KEY (listId) REFERENCES \`Li\`\`st\` (id) ON DELETE CASCADE)`,
    )
    await scope.raw(`INSERT INTO \`Li\`\`st\` (name) VALUES ('a'), ('b')`)
    await scope.raw(`INSERT INTO \`It'em\` (listId) VALUES (1), (2), (2)`)
    const models = [
      defineModel({ name: 'Li`st', properties: { id: { type: 'number', id: true, generated: true, mysql: { dataType: 'BIGINT' } }, name: { type: 'string', length: 50 } } }),
      defineModel({
        name: "It'em",
        properties: { id: { type: 'number', id: true, generated: true }, listId: { type: 'number', required: true, mysql: { dataType: 'BIGINT' } } },
      }),
    ]
    const ds = new DataSource({ ...scope.config, models })
    const r = await ds.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['drop-foreign-key', 'alter-column', 'alter-column', 'add-foreign-key'])

    const types = await scope.raw(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS type FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IN ('id', 'listId') ORDER BY 1, 2`,
    )
    expect(types).toEqual([
      { t: "It'em", c: 'id', type: 'int' },
      { t: "It'em", c: 'listId', type: 'bigint' },
      { t: 'Li`st', c: 'id', type: 'bigint' },
    ])
    const fks = await scope.raw(
      `SELECT r.CONSTRAINT_NAME AS name, r.DELETE_RULE AS del, r.REFERENCED_TABLE_NAME AS ref FROM information_schema.REFERENTIAL_CONSTRAINTS r
       WHERE r.CONSTRAINT_SCHEMA = DATABASE()`,
    )
    expect(fks).toEqual([{ name: 'hand made "fk"', del: 'CASCADE', ref: 'Li`st' }])
    // Its index is the one the server made, still not marked as Shipshape's.
    const ix = await scope.raw(
      `SELECT INDEX_NAME AS name, INDEX_COMMENT AS comment FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY'`,
      ["It'em"],
    )
    expect(ix).toEqual([{ name: 'hand made "fk"', comment: '' }])
    expect((await ds.planAutoupdate()).drift.map((d) => d.kind)).toContain('unmanaged-foreign-key')

    await scope.raw(`DELETE FROM \`Li\`\`st\` WHERE id = 2`)
    expect(await scope.raw(`SELECT listId FROM \`It'em\``)).toEqual([{ listId: 1 }])
    expect((await ds.planAutoupdate()).changes).toEqual([])
    await ds.disconnect()
  })
})
