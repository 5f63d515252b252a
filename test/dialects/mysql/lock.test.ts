import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import mysql from 'mysql2/promise'
import { DataSource, ShipshapeError } from '../../../src/index.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'
import { todoModels } from '../../scenarios/models.js'

describe('MySQL migration lock (GET_LOCK)', () => {
  let scope: TestScope
  const open: DataSource[] = []
  beforeEach(async () => {
    scope = await mysqlBackend.create()
  })
  afterEach(async () => {
    for (const d of open.splice(0)) await d.disconnect()
    await scope.dispose()
  })
  const ds = () => {
    const { Todo, TodoList } = todoModels()
    const d = new DataSource({ ...scope.config, models: [Todo, TodoList] })
    open.push(d)
    return d
  }

  it('two concurrent auto-updates: one applies the plan, the other then finds nothing to do', async () => {
    const [a, b] = await Promise.all([ds().autoupdate(), ds().autoupdate()])
    const executed = [a, b].filter((r) => r.executed)
    expect(executed).toHaveLength(1)
    const other = executed[0] === a ? b : a
    expect(other.plan.changes).toEqual([])
    expect(other.statementCount).toBe(0)
    expect((await scope.catalog.tables()).sort()).toEqual(['Todo', 'TodoList'])
  })

  it('runs the migration in strict mode on a session that is not, and gives the session its mode back', async () => {
    // One pooled connection, made non-strict as an old server's default would make it.
    const d = new DataSource({ ...scope.config, max: 1 })
    open.push(d)
    await d.execute(`SET SESSION sql_mode = ''`)
    await d.execute('CREATE TABLE `Cut` (`id` int PRIMARY KEY, `v` varchar(20))')
    await d.execute(`INSERT INTO \`Cut\` VALUES (1, 'abcdef')`)
    const mode = async (c: { query: Function }) => (await c.query('SELECT @@SESSION.sql_mode AS m')).rows[0].m as string
    const conn = await d.connection()
    const inside = await d.dialect!.withMigrationLock(conn, {}, async (s) => {
      const err = await s.exec('ALTER TABLE `Cut` MODIFY `v` varchar(3)').catch((e: Error) => e)
      return { mode: await mode(s), err }
    })
    expect(inside.mode.split(',')).toContain('STRICT_ALL_TABLES')
    expect(String(inside.err)).toMatch(/Data too long|truncated/i)
    expect((await d.execute<{ v: string }>('SELECT `v` FROM `Cut`'))[0]!.v).toBe('abcdef')
    // Back to the session's own mode, under which the same MODIFY would have cut the value silently.
    expect(await mode(conn)).toBe('')
  })

  it('waits no longer than lockTimeout for a lock another session holds, and names the way out', async () => {
    const url = String(scope.config.url)
    const holder = await mysql.createConnection({ uri: url })
    try {
      const [[row]] = (await holder.query(`SELECT GET_LOCK(CONCAT('shipshape:', SHA1(DATABASE())), 0) AS ok`)) as any
      expect(row.ok).toBe(1)
      const started = Date.now()
      const err = await ds().autoupdate(undefined, { lockTimeout: 500 }).catch((e) => e)
      expect(err).toBeInstanceOf(ShipshapeError)
      expect(err.code).toBe('LOCK_TIMEOUT')
      expect(Date.now() - started).toBeLessThan(5000)
      expect(await scope.catalog.tables()).toEqual([])
    } finally {
      await holder.end()
    }
    // The holder's session ended, so the server released its lock.
    expect((await ds().autoupdate()).executed).toBe(true)
  })
})
