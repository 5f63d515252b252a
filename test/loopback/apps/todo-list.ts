import type { LoopbackApp } from './app.js'

/** loopback-next examples/todo-list: hasMany, hasOne and belongsTo between three models. */
export const todoListApp: LoopbackApp = {
  name: 'todo-list',
  models: [
    {
      name: 'TodoList',
      properties: {
        id: { type: 'number', id: true, generated: true },
        title: { type: 'string', required: true },
        color: { type: 'string' },
      },
      relations: {
        todos: { type: 'hasMany', target: 'Todo', keyTo: 'todoListId' },
        image: { type: 'hasOne', target: 'TodoListImage', keyTo: 'todoListId' },
      },
    },
    {
      name: 'Todo',
      properties: {
        id: { type: 'number', id: true, generated: true },
        title: { type: 'string', required: true },
        desc: { type: 'string' },
        isComplete: { type: 'boolean' },
        todoListId: { type: 'number' },
      },
      relations: { todoList: { type: 'belongsTo', target: 'TodoList', keyFrom: 'todoListId' } },
    },
    {
      name: 'TodoListImage',
      properties: {
        id: { type: 'number', id: true, generated: true },
        value: { type: 'string', required: true },
        todoListId: { type: 'number' },
      },
      relations: { todoList: { type: 'belongsTo', target: 'TodoList', keyFrom: 'todoListId' } },
    },
  ],
  async seed(create, n) {
    const list = await create('TodoList', { title: `groceries ${n}`, color: 'green' })
    await create('Todo', { title: 'milk', isComplete: false, todoListId: list.id })
    await create('Todo', { title: 'eggs', desc: 'a dozen', isComplete: true, todoListId: list.id })
    await create('TodoListImage', { value: `data:image/png;base64,${n}`, todoListId: list.id })
    await create('TodoList', { title: `empty ${n}` })
  },
}
