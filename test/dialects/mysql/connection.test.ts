import { describe, expect, it } from 'vitest'
import { ConnectionError, DataSource } from '../../../src/index.js'
import { mysqlBackend } from '../../support/backends.js'

describe('MySQL connector', () => {
  it('an unreachable server is a ConnectionError naming the URL with its password redacted', async () => {
    const ds = new DataSource({ connector: 'mysql', url: 'mysql://app:s3cret-pw@127.0.0.1:1/nowhere' })
    const err = await ds.execute('SELECT 1').catch((e) => e)
    expect(err).toBeInstanceOf(ConnectionError)
    expect(err.message).toMatch(/mysql:\/\/app:\*\*\*@127\.0\.0\.1:1\/nowhere/)
    expect(err.message).not.toMatch(/s3cret/)
    await ds.disconnect()
  })

  it('binds values, reports insert ids and rolls back savepoints', async () => {
    const scope = await mysqlBackend.create()
    const ds = new DataSource({ ...scope.config })
    try {
      const conn = await ds.connection()
      await conn.exec('CREATE TABLE `t` (`id` INT AUTO_INCREMENT PRIMARY KEY, `v` VARCHAR(50))')
      const r = await conn.query('INSERT INTO `t` (`v`) VALUES (?)', ["x'); DROP TABLE `t`; --"])
      expect(r.insertId).toBe(1)
      expect(r.rowCount).toBe(1)
      await conn.transaction(async (tx) => {
        await tx.query('INSERT INTO `t` (`v`) VALUES (?)', ['kept'])
        await tx.transaction(async (inner) => {
          await inner.query('INSERT INTO `t` (`v`) VALUES (?)', ['undone'])
          throw new Error('inner')
        }).catch(() => {})
      })
      expect((await conn.query<{ v: string }>('SELECT `v` FROM `t` ORDER BY `id`')).rows.map((x) => x.v)).toEqual([
        "x'); DROP TABLE `t`; --",
        'kept',
      ])
    } finally {
      await ds.disconnect()
      await scope.dispose()
    }
  })
})
