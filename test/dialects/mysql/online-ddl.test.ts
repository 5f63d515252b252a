import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../../src/index.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'

const v1 = () =>
  defineModel({
    name: 'Post',
    properties: { id: { type: 'number', id: true, generated: true }, title: { type: 'string', length: 50 }, body: { type: 'string' } },
  })

describe('MySQL online DDL requests', () => {
  let scope: TestScope
  const open: DataSource[] = []
  const ds = (models: any[]) => {
    const d = new DataSource({ ...scope.config, models })
    open.push(d)
    return d
  }
  beforeEach(async () => {
    scope = await mysqlBackend.create()
  })
  afterEach(async () => {
    for (const d of open.splice(0)) await d.disconnect()
    await scope.dispose()
  })

  it('asks for INSTANT and INPLACE, LOCK=NONE where the change permits, and falls back when the server refuses', async () => {
    await ds([v1()]).autoupdate()
    await scope.insert('Post', { title: 'hello', body: 'world' })
    const v2 = defineModel({
      name: 'Post',
      properties: {
        id: { type: 'number', id: true, generated: true },
        // varchar(50) → varchar(300): past 255 bytes the length prefix grows, so neither
        // INSTANT nor INPLACE can do it; the server refuses and the statement is retried.
        title: { type: 'string', length: 300 },
        body: { type: 'string', default: 'none' },
        views: { type: 'number', default: 0 },
      },
      settings: { indexes: { post_title_idx: { keys: { title: 1 } } } },
    })
    const d = ds([v2])
    const plan = await d.planAutoupdate()
    const sqlOf = (kind: string) => plan.changes.filter((c) => c.change.kind === kind).flatMap((c) => c.statements.map((s) => s.sql))
    expect(sqlOf('add-column')).toEqual([
      expect.stringMatching(/^ALTER TABLE `t_\w+`\.`Post` ADD COLUMN `views` DOUBLE NULL DEFAULT 0, ALGORITHM=INSTANT$/),
    ])
    expect(sqlOf('add-index')).toEqual([
      expect.stringMatching(/ADD INDEX `post_title_idx` \(`title`\) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE$/),
    ])
    const alters = sqlOf('alter-column')
    expect(alters).toContainEqual(expect.stringMatching(/ALTER COLUMN `body` SET DEFAULT 'none', ALGORITHM=INSTANT$/))
    expect(alters).toContainEqual(expect.stringMatching(/MODIFY COLUMN `title` VARCHAR\(300\) NULL, ALGORITHM=INPLACE, LOCK=NONE$/))

    const result = await d.autoupdate()
    expect(result.executed).toBe(true)
    const cols = await scope.catalog.columns('Post')
    expect(cols.find((c) => c.name === 'title')!.type).toBe('varchar(300)')
    expect(cols.find((c) => c.name === 'views')!.default).toBe('0')
    expect(await scope.rows('Post', 'id')).toEqual([{ id: 1, title: 'hello', body: 'world', views: 0 }])
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it('a refused algorithm other than by the online request is an error, not a retry', async () => {
    await ds([v1()]).autoupdate()
    const conn = await ds([v1()]).connection()
    await expect(conn.exec('ALTER TABLE `Post` ADD COLUMN `x` INT, ADD COLUMN `x` INT, ALGORITHM=INSTANT')).rejects.toThrow(/Duplicate column/i)
  })
})
