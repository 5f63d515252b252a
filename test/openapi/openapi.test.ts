import { describe, expect, it } from 'vitest'
import { defineModel, modelJsonSchema, openApiDocument } from '../../src/index.js'
import { Tag, Todo, TodoList, TodoListImage } from '../repository/relation-models.js'

describe('openApiDocument: LoopBack 4 /openapi.json shape from the models', () => {
  const doc = openApiDocument({
    info: { title: 'todo-list' },
    models: [Todo, TodoList, TodoListImage, Tag],
    crud: [{ model: Todo, basePath: '/todos' }],
  })
  const schemas = doc.components.schemas

  it('has the document header LoopBack writes', () => {
    expect(doc.openapi).toBe('3.0.0')
    expect(doc.info).toEqual({ title: 'todo-list', version: '1.0.0' })
    expect(doc.servers).toEqual([{ url: '/' }])
  })

  it('writes the model schema: types, required, closed, hidden properties left out', () => {
    expect(schemas.Todo).toEqual({
      title: 'Todo',
      type: 'object',
      properties: {
        id: { type: 'number' },
        title: { type: 'string' },
        isComplete: { type: 'boolean', default: false },
        todoListId: { type: 'number' },
        tagIds: { type: 'array', items: {} },
      },
      required: ['title'],
      additionalProperties: false,
    })
  })

  it('writes New<Model> (no generated id), <Model>Partial (nothing required) and <Model>WithRelations', () => {
    expect(schemas.NewTodo).toMatchObject({
      title: 'NewTodo',
      description: "(tsType: Omit<Todo, 'id'>, schemaOptions: { title: 'NewTodo', exclude: [ 'id' ] })",
      required: ['title'],
      additionalProperties: false,
      'x-typescript-type': "Omit<Todo, 'id'>",
    })
    expect(Object.keys(schemas.NewTodo!.properties as object)).not.toContain('id')
    expect(schemas.TodoPartial).toMatchObject({ title: 'TodoPartial', 'x-typescript-type': 'Partial<Todo>', additionalProperties: false })
    expect(schemas.TodoPartial!.required).toBeUndefined()
    const withRelations = schemas.TodoWithRelations!.properties as Record<string, unknown>
    expect(withRelations.todoList).toEqual({ $ref: '#/components/schemas/TodoListWithRelations' })
    expect(withRelations.tags).toEqual({ type: 'array', items: { $ref: '#/components/schemas/TagWithRelations' } })
    const listWithRelations = schemas.TodoListWithRelations!.properties as Record<string, unknown>
    expect(listWithRelations.todos).toEqual({ type: 'array', items: { $ref: '#/components/schemas/TodoWithRelations' } })
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!)
    expect(refs.length).toBeGreaterThan(5)
    for (const r of refs) expect(schemas, r).toHaveProperty([r])
  })

  it('writes the CRUD controller paths with LoopBack 4 status codes', () => {
    expect(Object.keys(doc.paths)).toEqual(['/todos/count', '/todos/{id}', '/todos'])
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { operationId: string; responses: object }>).map(([verb, op]) => `${verb.toUpperCase()} ${path} ${op.operationId} ${Object.keys(op.responses)}`),
    )
    expect(ops).toEqual([
      'GET /todos/count TodoController.count 200',
      'PUT /todos/{id} TodoController.replaceById 204',
      'PATCH /todos/{id} TodoController.updateById 204',
      'GET /todos/{id} TodoController.findById 200',
      'DELETE /todos/{id} TodoController.deleteById 204',
      'POST /todos TodoController.create 200',
      'PATCH /todos TodoController.updateAll 200',
      'GET /todos TodoController.find 200',
    ])
    const post = (doc.paths['/todos'] as any).post
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/NewTodo' })
    expect((doc.paths['/todos/{id}'] as any).put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Todo' })
    expect((doc.paths['/todos/{id}'] as any).get.parameters[0]).toEqual({ name: 'id', in: 'path', schema: { type: 'number' }, required: true })
    expect(schemas['Todo.Filter']).toMatchObject({ title: 'Todo.Filter', additionalProperties: false })
    expect(Object.keys((schemas['Todo.Filter'] as any).properties)).toEqual(['offset', 'limit', 'skip', 'order', 'where', 'fields', 'include'])
    expect(Object.keys((schemas['Todo.Filter1'] as any).properties)).not.toContain('where')
  })

  it('maps dates, JSON-defined models, jsonSchema and strict: false', () => {
    const Note = defineModel({
      name: 'Note',
      properties: {
        id: { type: 'string', id: true },
        at: { type: 'date', required: true },
        body: { type: 'string', jsonSchema: { minLength: 1, maxLength: 10 } },
        meta: 'object',
        anything: 'any',
      },
      settings: { strict: false },
    })
    expect(modelJsonSchema(Note)).toEqual({
      title: 'Note',
      type: 'object',
      properties: {
        id: { type: 'string' },
        at: { type: 'string', format: 'date-time' },
        body: { type: 'string', minLength: 1, maxLength: 10 },
        meta: { type: 'object' },
        anything: {},
      },
      required: ['at'],
      additionalProperties: true,
    })
    // A client-set id (not generated) stays in New<Model>.
    const d = openApiDocument({ models: [], crud: [{ model: Note }] })
    expect(Object.keys(d.components.schemas.NewNote!.properties as object)).toContain('id')
    expect(Object.keys(d.paths)).toContain('/notes/{id}')
  })
})
