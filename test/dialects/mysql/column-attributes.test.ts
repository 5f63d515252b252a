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
})
