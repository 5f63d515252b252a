import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { DataSource } from '../../../src/index.js'
import { PG_URL } from '../../support/backends.js'

describe('the PostgreSQL connection', () => {
  it('reads int8 as numbers on its own pool and leaves pg\u2019s global parsers alone', async () => {
    const ds = new DataSource({ connector: 'postgresql', url: PG_URL })
    try {
      const [mine] = await ds.execute<{ n: unknown }>('SELECT count(*) AS n FROM (VALUES (1), (2)) v')
      expect(mine!.n).toBe(2)
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      const { rows } = await client.query('SELECT count(*) AS n FROM (VALUES (1), (2)) v')
      await client.end()
      expect(rows[0].n).toBe('2')
    } finally {
      await ds.disconnect()
    }
  })
})
