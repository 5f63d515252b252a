import { describe, expect, it } from 'vitest'
import { DataSource } from '../../src/index.js'
import { backends } from '../support/backends.js'

// Every back end nests transactions as savepoints (src/dialects/nested-transaction.ts): a failed
// level undoes its own rows and those of the levels inside it, nothing of the levels around it.
describe.each(backends)('nested transactions on $name', (backend) => {
  it('a failed level undoes only itself; the outermost commits or rolls back whole', async () => {
    const scope = await backend.create()
    const ds = new DataSource({ ...scope.config })
    try {
      const conn = await ds.connection()
      const t = scope.table('t')
      const v = scope.quote('v')
      await conn.exec(`CREATE TABLE ${t} (${v} VARCHAR(10))`)
      const insert = (c: typeof conn, value: string) => c.exec(`INSERT INTO ${t} (${v}) VALUES ('${value}')`)
      await conn.transaction(async (tx) => {
        await insert(tx, 'a')
        await tx
          .transaction(async (inner) => {
            await insert(inner, 'b')
            await inner.transaction((deep) => insert(deep, 'c'))
            throw new Error('inner')
          })
          .catch(() => {})
        await tx.transaction((inner) => insert(inner, 'd'))
      })
      await conn.transaction(async (tx) => {
        await insert(tx, 'e')
        throw new Error('outer')
      }).catch(() => {})
      await conn.transaction((tx) => insert(tx, 'f'))
      expect((await scope.rows('t', 'v')).map((r) => r.v)).toEqual(['a', 'd', 'f'])
    } finally {
      await ds.disconnect()
      await scope.dispose()
    }
  })
})
