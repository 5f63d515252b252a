import { describe, expect, it } from 'vitest'
import { defineModel, Entity, model, postgresDialect, property, schemaFromModels } from '../../src/index.js'

@model({ settings: { indexes: { todo_title_idx: { keys: { title: 1 } } } } })
class Todo extends Entity {
  @property({ type: 'number', id: true, generated: true }) id?: number
  @property({ type: 'string', required: true, length: 200 }) title!: string
  @property({ type: 'boolean', default: false }) isComplete?: boolean
  @property({ type: 'date', defaultFn: 'now' }) createdAt?: Date
}

@model({ name: 'UrgentTodo' })
class UrgentTodo extends Todo {
  @property({ type: 'number', required: true, default: 1 }) level!: number
}

const TodoJson = defineModel({
  name: 'Todo',
  properties: {
    id: { type: 'number', id: true, generated: true },
    title: { type: 'string', required: true, length: 200 },
    isComplete: { type: 'boolean', default: false },
    createdAt: { type: 'date', defaultFn: 'now' },
  },
  settings: { indexes: { todo_title_idx: { keys: { title: 1 } } } },
})

describe('models by decorators and by JSON are one definition', () => {
  it('gives the same definition and the same schema', () => {
    expect(Todo.definition).toEqual(TodoJson.definition)
    const a = schemaFromModels([Todo.definition], postgresDialect, { defaultSchema: 'public' }).database
    const b = schemaFromModels([TodoJson.definition], postgresDialect, { defaultSchema: 'public' }).database
    expect(a).toEqual(b)
  })

  it('keeps constructor data on decorated fields, and getId / toJSON work', () => {
    const t = new Todo({ id: 7, title: 'milk' })
    expect(t.title).toBe('milk')
    expect(t.getId()).toBe(7)
    expect(t.toJSON()).toEqual({ id: 7, title: 'milk' })
    expect(t).toBeInstanceOf(Entity)
  })

  it('a subclass adds properties without changing its parent', () => {
    expect(Object.keys(UrgentTodo.definition.properties)).toEqual(['id', 'title', 'isComplete', 'createdAt', 'level'])
    expect(Object.keys(Todo.definition.properties)).not.toContain('level')
    expect(UrgentTodo.definition.name).toBe('UrgentTodo')
  })

  it('accepts LoopBack JSON shorthands: type names, constructors and top-level settings', () => {
    const M = defineModel({
      name: 'Note',
      properties: { id: { type: Number, id: true }, body: 'string', tags: { type: ['string'] } },
      strict: false,
    } as never)
    expect(M.definition.properties.body).toEqual({ type: 'string' })
    expect(M.definition.settings.strict).toBe(false)
    const t = schemaFromModels([M.definition], postgresDialect, { defaultSchema: 'public' }).database.tables[0]!
    expect(t.columns.map((c) => [c.name, c.type.kind])).toEqual([
      ['id', 'integer'],
      ['body', 'text'],
      ['tags', 'json'],
    ])
  })
})
