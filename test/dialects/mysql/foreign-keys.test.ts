import { describe, expect, it } from 'vitest'
import { defineModel } from '../../../src/index.js'
import { mysqlBackend, type TestScope } from '../../support/backends.js'
import { useScope } from '../../support/scope.js'
import { todoModels } from '../../scenarios/models.js'

describe('MySQL foreign keys and the indexes InnoDB keeps for them', () => {
  let scope: TestScope
  const ds = useScope(mysqlBackend, (s) => (scope = s))

  const indexNames = async (table: string) =>
    (
      await scope.raw(
        `SELECT DISTINCT INDEX_NAME AS name, INDEX_COMMENT AS comment FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY 1`,
        [table],
      )
    )
      .map((r) => `${r.name}${r.comment ? ` (${r.comment})` : ''}`)
      .sort()

  it('owns its keys through their marked backing index, and drops both together', async () => {
    const { Todo, TodoList } = todoModels()
    await ds([Todo, TodoList]).autoupdate()
    expect(await indexNames('Todo')).toEqual(['PRIMARY', 'fk_todo_list (shipshape)', 'todo_title_created_idx (shipshape)'])

    // Without the declared key the reference column is a plain number; pin it to the id's type.
    const Todo2 = defineModel({
      ...Todo.definition,
      properties: { ...Todo.definition.properties, todoListId: { type: 'number', dataType: 'INT' } },
      settings: { ...Todo.definition.settings, foreignKeys: {} },
    })
    const d = ds([Todo2, TodoList])
    const r = await d.autoupdate()
    expect(r.plan.changes.map((c) => c.statements[0]!.sql)).toEqual([
      expect.stringMatching(/DROP FOREIGN KEY `fk_todo_list`, DROP INDEX `fk_todo_list`$/),
    ])
    expect(await indexNames('Todo')).toEqual(['PRIMARY', 'todo_title_created_idx (shipshape)'])
    expect((await d.planAutoupdate()).changes).toEqual([])
  })

  it("reports a hand-made key as drift, not its implicit index, and leaves both alone", async () => {
    const { Todo, TodoList } = todoModels()
    // Without the declared key the reference column is a plain number; pin it to the id's type.
    const Todo2 = defineModel({
      ...Todo.definition,
      properties: { ...Todo.definition.properties, todoListId: { type: 'number', dataType: 'INT' } },
      settings: { ...Todo.definition.settings, foreignKeys: {} },
    })
    await ds([Todo2, TodoList]).autoupdate()
    await scope.raw(
      `ALTER TABLE ${scope.table('Todo')} ADD CONSTRAINT dba_fk FOREIGN KEY (todoListId) REFERENCES ${scope.table('TodoList')} (id)`,
    )
    expect(await indexNames('Todo')).toContain('dba_fk')
    const d = ds([Todo2, TodoList])
    const plan = await d.planAutoupdate()
    expect(plan.changes).toEqual([])
    expect(plan.drift.map((x) => [x.kind, x.name])).toEqual([['unmanaged-foreign-key', 'dba_fk']])
    await d.autoupdate()
    expect(await indexNames('Todo')).toContain('dba_fk')
    expect(await scope.catalog.foreignKeys('Todo')).toHaveLength(1)
  })

  it('replaces a hand-made key of the same name as declared, its implicit index included', async () => {
    const { Todo, TodoList } = todoModels()
    // Without the declared key the reference column is a plain number; pin it to the id's type.
    const Todo2 = defineModel({
      ...Todo.definition,
      properties: { ...Todo.definition.properties, todoListId: { type: 'number', dataType: 'INT' } },
      settings: { ...Todo.definition.settings, foreignKeys: {} },
    })
    await ds([Todo2, TodoList]).autoupdate()
    // As LoopBack's connector would have made it: no ON DELETE, an implicit index.
    await scope.raw(
      `ALTER TABLE ${scope.table('Todo')} ADD CONSTRAINT fk_todo_list FOREIGN KEY (todoListId) REFERENCES ${scope.table('TodoList')} (id)`,
    )
    const d = ds([Todo, TodoList])
    const r = await d.autoupdate()
    expect(r.plan.changes.map((c) => c.change.kind)).toEqual(['drop-foreign-key', 'add-foreign-key'])
    expect((await scope.catalog.foreignKeys('Todo'))[0]).toMatchObject({ name: 'fk_todo_list', onDelete: 'cascade' })
    expect(await indexNames('Todo')).toContain('fk_todo_list (shipshape)')
    expect((await d.planAutoupdate()).changes).toEqual([])
  })
})
