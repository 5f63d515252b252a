import { describe, expect, it } from 'vitest'
import { DataSource, defineModel } from '../../../src/index.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'
import { useScope } from '../../support/scope.js'

const v1 = () =>
  defineModel({
    name: 'Post',
    properties: { id: { type: 'number', id: true, generated: true }, title: { type: 'string', length: 50 }, body: { type: 'string' } },
  })

describe('MySQL online DDL requests', () => {
  let scope: TestScope
  const ds = useScope(mysqlBackend, (s) => (scope = s))

  it('asks for INSTANT and INPLACE, LOCK=NONE where the change permits, and falls back when the server refuses', async () => {
    await ds([v1()]).autoupdate()
    await scope.insert('Post', { title: 'hello', body: 'world' })
    const sent = (plan: Awaited<ReturnType<DataSource['planAutoupdate']>>) =>
      plan.changes.flatMap((c) => c.statements.filter((s) => s.combinedInto === undefined).map((s) => s.sql))

    // Metadata-only changes: INSTANT.
    const v2 = defineModel({
      name: 'Post',
      properties: { ...v1().definition.properties, body: { type: 'string', default: 'none' }, views: { type: 'number', default: 0 } },
    })
    const r2 = await ds([v2]).autoupdate()
    expect(r2.plan.changes.map((c) => c.statements[0]!.sql)).toEqual([
      expect.stringMatching(/^ALTER TABLE `t_\w+`\.`Post` ADD COLUMN `views` DOUBLE NULL DEFAULT 0, ALGORITHM=INSTANT$/),
      expect.stringMatching(/^ALTER TABLE `t_\w+`\.`Post` ALTER COLUMN `body` SET DEFAULT 'none', ALGORITHM=INSTANT$/),
    ])
    // Both changes to the table go to the server as one ALTER TABLE.
    expect(sent(r2.plan)).toEqual([
      expect.stringMatching(/ADD COLUMN `views` DOUBLE NULL DEFAULT 0, ALTER COLUMN `body` SET DEFAULT 'none', ALGORITHM=INSTANT$/),
    ])
    expect(r2.statementCount).toBe(1)

    // An index builds in place without blocking writes.
    const v3 = defineModel({ ...v2.definition, settings: { indexes: { post_title_idx: { keys: { title: 1 } } } } })
    const r3 = await ds([v3]).autoupdate()
    expect(sent(r3.plan)).toEqual([expect.stringMatching(/ADD INDEX `post_title_idx` \(`title`\) COMMENT 'shipshape', ALGORITHM=INPLACE, LOCK=NONE$/)])

    // varchar(50) → varchar(300): past 255 bytes the length prefix grows, so neither INSTANT nor
    // INPLACE can do it; the server refuses the request and the statement runs again without it.
    const v4 = defineModel({ ...v3.definition, properties: { ...v3.definition.properties, title: { type: 'string', length: 300 } } })
    const r4 = await ds([v4]).autoupdate()
    expect(sent(r4.plan)).toEqual([expect.stringMatching(/MODIFY COLUMN `title` VARCHAR\(300\) NULL, ALGORITHM=INPLACE, LOCK=NONE$/)])
    // The statement that ran instead is in the plan, as are all it could have been.
    expect(r4.plan.changes.flatMap((c) => c.statements.flatMap((s) => s.fallbacks ?? []))).toEqual([
      expect.stringMatching(/MODIFY COLUMN `title` VARCHAR\(300\) NULL$/),
    ])
    expect(r2.plan.changes.at(-1)!.statements.at(-1)!.fallbacks).toEqual([
      expect.stringMatching(/ALTER COLUMN `body` SET DEFAULT 'none', ALGORITHM=INPLACE, LOCK=NONE$/),
      expect.stringMatching(/ALTER COLUMN `body` SET DEFAULT 'none'$/),
    ])
    expect(r4.executed).toBe(true)

    const cols = await scope.catalog.columns('Post')
    expect(cols.find((c) => c.name === 'title')!.type).toBe('varchar(300)')
    expect(cols.find((c) => c.name === 'views')!.default).toBe('0')
    expect(await scope.rows('Post', 'id')).toEqual([{ id: 1, title: 'hello', body: 'world', views: 0 }])
    expect((await ds([v4]).planAutoupdate()).changes).toEqual([])
  })

  it("puts a new table's indexes inside its CREATE TABLE", async () => {
    const v = defineModel({ ...v1().definition, settings: { indexes: { post_title_idx: { keys: { title: 1 } } } } })
    const r = await ds([v]).autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['create-table', 'add-index'])
    expect(r.statementCount).toBe(1)
    expect(r.plan.changes[0]!.statements.at(-1)!.sql).toMatch(/INDEX `post_title_idx` \(`title`\) COMMENT 'shipshape'\n\) ENGINE=InnoDB/)
    expect(await scope.catalog.indexes('Post')).toEqual([{ name: 'post_title_idx', columns: ['title'], unique: false }])
  })

  it('a refused algorithm other than by the online request is an error, not a retry', async () => {
    await ds([v1()]).autoupdate()
    const conn = await ds([v1()]).connection()
    await expect(conn.exec('ALTER TABLE `Post` ADD COLUMN `x` INT, ADD COLUMN `x` INT, ALGORITHM=INSTANT')).rejects.toThrow(/Duplicate column/i)
  })
})
