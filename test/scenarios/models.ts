import { defineModel } from '../../src/index.js'

/** Shared models of the scenarios: a list with todos, linked by a foreign key, indexed and constrained. */
export function todoModels() {
  const TodoList = defineModel({
    name: 'TodoList',
    properties: {
      id: { type: 'number', id: true, generated: true },
      title: { type: 'string', required: true, unique: true },
    },
  })
  const Todo = defineModel({
    name: 'Todo',
    properties: {
      id: { type: 'number', id: true, generated: true },
      title: { type: 'string', required: true, length: 100 },
      desc: { type: 'string' },
      isComplete: { type: 'boolean', default: false },
      estimate: { type: 'number' },
      createdAt: { type: 'date', defaultFn: 'now' },
      meta: { type: 'object' },
      todoListId: { type: 'number' },
    },
    settings: {
      indexes: { todo_title_created_idx: { keys: { title: 1, createdAt: -1 } } },
      foreignKeys: {
        fk_todo_list: { name: 'fk_todo_list', entity: 'TodoList', entityKey: 'id', foreignKey: 'todoListId', onDelete: 'CASCADE' },
      },
    },
  })
  return { Todo, TodoList }
}
